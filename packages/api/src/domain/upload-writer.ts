import type { ImportRow, StructuralProblem } from '@pulse/ingest';
import { kpiKey, normaliseImpact, scoreReading } from '@pulse/scoring';
import { accounts as accountRows, segments, uploads, type Db } from '@pulse/db';
import { accountNameKey, ensureProducts, productKey, type Actor } from './accounts.js';
import { recomputeHealth, type AccountPeriod } from './health.js';
import { evaluatePlaybooks } from './recommendations.js';
import type { ScoringContext } from './scoring-context.js';

const MAX_LISTED_WARNINGS = 500;

export interface UploadWarning {
  sheet: string | null;
  row: number;
  /** The column of the cell the warning is about, as the file names it; null for the reading's value. */
  column: string | null;
  account: string;
  kpi: string;
  code: string;
  message: string;
}

interface ResolvedAccount {
  id: string;
  name: string;
  created: boolean;
}

interface Pair extends AccountPeriod {
  account: string;
  readings: number;
  version: number;
}

/**
 * Stores the readings of one upload batch by batch, in the caller's transaction, so a file of any
 * length is never held whole: each batch finds (or creates) the accounts and products it names,
 * replaces the readings of each account period it is the first to cover (as a new version),
 * and inserts its scored readings. What it keeps grows with the accounts and account periods,
 * not with the rows: the report's counts and at most 500 listed warnings. When the upload may
 * not create accounts, an unknown one is a problem at the row that first names it, and nothing
 * more is stored: the caller then rolls back and rejects the upload.
 */
export class ReadingsWriter {
  readonly accounts = new Map<string, ResolvedAccount>();
  readonly accountProblems: StructuralProblem[] = [];
  readonly counts = { readings: 0, scored: 0, unknown: 0, warnings: 0 };
  readonly warnings: UploadWarning[] = [];
  private readonly pairs = new Map<string, Pair>();

  constructor(
    private readonly db: Db,
    private readonly actor: Actor,
    private readonly uploadId: string,
    private readonly ctx: ScoringContext,
    private readonly createAccounts: boolean,
  ) {}

  private async resolveAccounts(rows: ImportRow[]): Promise<void> {
    const firstRow = new Map<string, ImportRow>();
    for (const r of rows) {
      const key = accountNameKey(r.account);
      if (!this.accounts.has(key) && !firstRow.has(key)) firstRow.set(key, r);
    }
    if (firstRow.size === 0) return;
    const { tenantId } = this.actor;
    const existing = await accountRows.listAccountsByNameKey(this.db, tenantId, [...firstRow.keys()]);
    const found = new Map(existing.map((a) => [a.name_key, a]));
    const missing = [...firstRow.keys()].filter((k) => !found.has(k));
    if (missing.length && !this.createAccounts) {
      for (const k of missing) {
        const r = firstRow.get(k) as ImportRow;
        this.accountProblems.push({
          sheet: r.sheet,
          row: r.line,
          column: 'account',
          message: `Unknown account "${r.account}" (this upload may not create accounts).`,
        });
      }
    }
    const created = this.createAccounts
      ? await accountRows.insertNamedAccounts(
          this.db,
          tenantId,
          missing.map((k) => ({ name: (firstRow.get(k) as ImportRow).account.trim(), name_key: k })),
        )
      : [];
    const made = new Map(created.map((a) => [a.name_key, a]));
    for (const k of firstRow.keys()) {
      const a = found.get(k) ?? made.get(k);
      if (a) this.accounts.set(k, { id: a.id, name: a.name, created: !found.has(k) });
    }
  }

  private accountOf(r: ImportRow): ResolvedAccount {
    return this.accounts.get(accountNameKey(r.account)) as ResolvedAccount;
  }

  /** The account periods this batch is the first to cover: their previous version, and their readings removed. */
  private async replacePairs(rows: { row: ImportRow; account: ResolvedAccount }[]): Promise<void> {
    const fresh: Pair[] = [];
    for (const { row, account } of rows) {
      const k = `${account.id}|${row.period}`;
      let pair = this.pairs.get(k);
      if (!pair) {
        pair = { accountId: account.id, period: row.period, account: account.name, readings: 0, version: 1 };
        this.pairs.set(k, pair);
        fresh.push(pair);
      }
      pair.readings += 1;
    }
    if (fresh.length === 0) return;
    const { tenantId } = this.actor;
    for (const p of await uploads.latestVersions(this.db, tenantId, fresh)) (this.pairs.get(`${p.account_id}|${p.period}`) as Pair).version = p.version + 1;
    await uploads.deleteUploadedReadings(this.db, tenantId, fresh);
  }

  /**
   * Stores one batch of rows read without a problem. With store false (the file has problems
   * already) it only looks for unknown accounts, when the upload may not create them.
   */
  async add(rows: ImportRow[], store = true): Promise<void> {
    if (!store && this.createAccounts) return;
    await this.resolveAccounts(rows);
    if (!store || this.accountProblems.length || rows.length === 0) return;
    const { tenantId } = this.actor;
    const accounts = rows.map((r) => this.accountOf(r));
    const productPairs = rows.flatMap((r, i) => (r.product ? [{ accountId: (accounts[i] as ResolvedAccount).id, name: r.product }] : []));
    const { ids: products } = await ensureProducts(this.db, tenantId, productPairs);
    const scored = rows.map((r, i) => {
      const key = kpiKey(r.kpi);
      const effective = this.ctx.ranges.get(key);
      return { row: r, account: accounts[i] as ResolvedAccount, key, effective, result: scoreReading({ raw: r.raw }, effective?.range) };
    });
    await this.replacePairs(scored);
    for (const s of scored) {
      this.counts.warnings += (s.result.warning ? 1 : 0) + s.row.warnings.length;
      if (this.warnings.length < MAX_LISTED_WARNINGS) {
        const where = { sheet: s.row.sheet, row: s.row.line, account: s.account.name, kpi: s.row.kpi };
        const cells = s.row.warnings.map((w) => ({ ...where, column: w.column, code: w.code, message: w.message }));
        const warnings = s.result.warning ? [{ ...where, column: null, code: s.result.warning.code, message: s.result.warning.message }, ...cells] : cells;
        this.warnings.push(...warnings.slice(0, MAX_LISTED_WARNINGS - this.warnings.length));
      }
      this.counts.readings += 1;
      if (s.result.score !== null) this.counts.scored += 1;
      if (s.result.status === 'unknown') this.counts.unknown += 1;
    }
    await uploads.insertUploadReadings(
      this.db,
      tenantId,
      this.uploadId,
      scored.map((s) => ({
        account_id: s.account.id,
        product_id: s.row.product ? (products.get(productKey(s.account.id, s.row.product)) ?? null) : null,
        period: s.row.period,
        category: s.row.category.trim(),
        kpi_name: s.effective?.range.kpiName ?? s.row.kpi.trim(),
        kpi_key: s.key,
        raw: s.row.raw,
        displayed: s.row.displayed,
        value: s.result.value,
        unit: s.result.unit,
        status: s.result.status,
        score: s.result.score,
        impact: normaliseImpact(s.row.impact),
        weight: s.row.weight,
        source: s.row.source,
        frequency: s.row.frequency,
        warning: s.result.warning?.message ?? null,
      })),
    );
  }

  /** The versions this upload made, one per account period, in the order the file first covers them. */
  versions(): { accountId: string; account: string; period: string; version: number; readings: number }[] {
    return [...this.pairs.values()].map((p) => ({ accountId: p.accountId, account: p.account, period: p.period, version: p.version, readings: p.readings }));
  }

  /** Once every batch is stored: records the versions, recomputes the health they touch and evaluates playbooks. */
  async finish(): Promise<void> {
    const { tenantId } = this.actor;
    const versions = this.versions();
    if (versions.length === 0) return;
    await uploads.insertUploadVersions(this.db, tenantId, this.uploadId, versions);
    // Accounts this upload created are placed in their segment before their first health.
    const created = [...this.accounts.values()].flatMap((a) => (a.created ? [a.id] : []));
    await segments.assignSegments(this.db, tenantId, created);
    await recomputeHealth(this.db, tenantId, this.ctx, versions);
    const accountIds = [...new Set(versions.map((p) => p.accountId))];
    await accountRows.touchAccounts(this.db, tenantId, accountIds);
    await evaluatePlaybooks(
      this.db,
      this.actor,
      [...this.accounts.values()].map((a) => a.id),
    );
  }
}
