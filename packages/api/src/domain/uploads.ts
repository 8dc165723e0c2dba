import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { inspectUpload, isValidPeriod, parseCsv, parseWorkbookInWorker, type ImportRow, type StructuralProblem, type UploadFormat } from '@pulse/ingest';
import { kpiKey, normaliseImpact, scoreReading } from '@pulse/scoring';
import { paginate, type Db, type Page, type PageRequest } from '@pulse/db';
import { MAX_UPLOAD_BYTES } from '../limits.js';
import { TOO_LARGE } from '../validation.js';
import { notFound } from '../errors.js';
import { accountNameKey, ensureProducts, productKey, type Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { emitEvents } from './webhooks.js';
import { bulkInsert } from './bulk.js';
import { recomputeHealth, type AccountPeriod } from './health.js';
import { evaluatePlaybooks } from './recommendations.js';
import { loadScoringContext } from './scoring-context.js';


const MAX_LISTED_WARNINGS = 500;

export interface UploadInput {
  filename: string;
  contentType: string;
  bytes: Buffer;
  /** Workbooks: the period of the readings (default: the current month). CSV rows carry their own. */
  period?: string | null;
  /** Workbooks: the account (default: the workbook's Company row). */
  accountName?: string | null;
  /** Create accounts the upload names that do not exist yet (default true). */
  createAccounts?: boolean;
}

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

export interface UploadReport {
  status: 'accepted' | 'rejected';
  format: 'csv' | 'xlsx' | null;
  /** True when a rejected file is a customer-profile workbook, to be imported with accounts.importProfiles instead. */
  customerProfiles?: boolean;
  problems: StructuralProblem[];
  counts: { readings: number; scored: number; unknown: number; warnings: number; accountsCreated: number };
  warnings: UploadWarning[];
  accounts: { id: string; name: string; created: boolean }[];
  versions: { accountId: string; account: string; period: string; version: number; readings: number }[];
}

export function currentPeriod(now = new Date()): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

function rejected(format: UploadReport['format'], problems: StructuralProblem[]): UploadReport {
  return {
    status: 'rejected',
    format,
    problems,
    counts: { readings: 0, scored: 0, unknown: 0, warnings: 0, accountsCreated: 0 },
    warnings: [],
    accounts: [],
    versions: [],
  };
}

const problem = (message: string, column: string | null = null): StructuralProblem => ({ sheet: null, row: null, column, message });

const MAX_NAME_LENGTH = 200;

/** Account and product names longer than an account or product may be (once per name, at its first row). */
function nameProblems(rows: ImportRow[]): StructuralProblem[] {
  const problems: StructuralProblem[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const [column, name] of [['account', r.account], ['product', r.product]] as const) {
      if (!name || [...name.trim()].length <= MAX_NAME_LENGTH || seen.has(`${column}|${name}`)) continue;
      seen.add(`${column}|${name}`);
      problems.push({ sheet: r.sheet, row: r.line, column, message: `The ${column} name is longer than ${MAX_NAME_LENGTH} characters.` });
    }
  }
  return problems;
}

/**
 * An upload checked and parsed, before any database work. A refused upload (too large, not
 * CSV or XLSX content, a zip bomb, a workbook that takes too long or too much memory to read)
 * is not stored at all; otherwise problems, when there are
 * any, reject it and it is stored as rejected.
 */
export type ReadUpload =
  | { refusal: StructuralProblem; format: UploadFormat | null }
  | { refusal: null; format: UploadFormat; period: string; rows: ImportRow[]; problems: StructuralProblem[]; customerProfiles: boolean };

/**
 * Checks and parses an upload without touching the database, so callers run it outside any
 * transaction: a workbook is parsed in a worker thread (parseWorkbookInWorker), which may
 * take seconds, and a transaction held meanwhile would hold a connection (on PGlite, the only one).
 * Every structural problem is reported together: the file's, over-long names and no readings.
 */
export async function readUpload(input: UploadInput): Promise<ReadUpload> {
  if (input.bytes.length > MAX_UPLOAD_BYTES) return { refusal: problem(TOO_LARGE, 'file'), format: null };
  const { format, refusal } = await inspectUpload(input.filename, input.bytes);
  if (refusal !== null) return { refusal: problem(refusal, 'file'), format };
  const period = input.period ?? currentPeriod();
  const reply = format === 'csv' ? { result: parseCsv(input.bytes) } : await parseWorkbookInWorker(input.bytes, { period, accountName: input.accountName ?? null });
  if ('refusal' in reply) return { refusal: problem(reply.refusal, 'file'), format };
  const parsed = reply.result;
  const problems = [...parsed.problems, ...nameProblems(parsed.rows)];
  if (parsed.problems.length === 0 && parsed.rows.length === 0) problems.push(problem('The file contains no readings.'));
  return { refusal: null, format, period, rows: parsed.rows, problems, customerProfiles: parsed.layout === 'customer_profiles' };
}

/**
 * Finds the accounts an upload names and, when create is set, creates the missing ones; when it
 * is not, each missing account is a problem at the row that first names it.
 */
async function resolveAccounts(db: Db, actor: Actor, rows: ImportRow[], create: boolean) {
  const firstRow = new Map<string, ImportRow>();
  for (const r of rows) if (!firstRow.has(accountNameKey(r.account))) firstRow.set(accountNameKey(r.account), r);
  const keys = [...firstRow.keys()];
  const existing = keys.length
    ? await db
        .selectFrom('accounts')
        .select(['accounts.id', 'accounts.name', 'accounts.name_key'])
        .where('accounts.tenant_id', '=', actor.tenantId)
        .where('accounts.name_key', 'in', keys)
        .execute()
    : [];
  const byKey = new Map(existing.map((a) => [a.name_key, { id: a.id, name: a.name, created: false }]));
  const missing = keys.filter((k) => !byKey.has(k));
  const problems: StructuralProblem[] = [];
  if (missing.length && !create) {
    for (const k of missing) {
      const r = firstRow.get(k) as ImportRow;
      problems.push({ sheet: r.sheet, row: r.line, column: 'account', message: `Unknown account "${r.account}" (this upload may not create accounts).` });
    }
    return { byKey, problems };
  }
  if (missing.length) {
    const created = await db
      .insertInto('accounts')
      .values(missing.map((k) => ({ tenant_id: actor.tenantId, name: (firstRow.get(k) as ImportRow).account.trim(), name_key: k })))
      .returning(['accounts.id', 'accounts.name', 'accounts.name_key'])
      .execute();
    for (const a of created) byKey.set(a.name_key, { id: a.id, name: a.name, created: true });
  }
  return { byKey, problems };
}

async function storeUpload(db: Db, actor: Actor, input: UploadInput, format: UploadFormat, period: string | null, report: UploadReport) {
  const row = await db
    .insertInto('kpi_uploads')
    .values({
      tenant_id: actor.tenantId,
      uploaded_by: actor.userId as string,
      filename: input.filename,
      format,
      content_type: input.contentType,
      size_bytes: input.bytes.length,
      sha256: createHash('sha256').update(input.bytes).digest('hex'),
      content: input.bytes,
      period,
      account_name: report.accounts.length === 1 ? (report.accounts[0]?.name ?? null) : null,
      status: report.status,
      report: JSON.stringify(report),
    })
    .returning('kpi_uploads.id')
    .executeTakeFirstOrThrow();
  await recordActivity(db, {
    ...actor,
    action: report.status === 'accepted' ? 'upload.accept' : 'upload.reject',
    resourceType: 'upload',
    resourceId: row.id,
    after: { filename: input.filename, counts: report.counts, problems: report.problems.length },
  });
  return row.id;
}

/**
 * Imports one file as one transaction (the caller's): reads it (readUpload) and saves it (saveUpload).
 * For callers that already hold a transaction (demo seed, benchmarks); the upload procedure
 * reads first and opens the transaction only to save.
 */
export async function importUpload(db: Db, actor: Actor, input: UploadInput): Promise<{ uploadId: string | null; report: UploadReport }> {
  return saveUpload(db, actor, input, await readUpload(input));
}

/**
 * Saves what readUpload found, in the caller's transaction: a refused upload is not stored
 * (uploadId null); one with problems is stored as rejected with every problem; otherwise its
 * readings are stored (replacing each account period they cover, as a new version), scored,
 * and the affected health recomputed. Rejected uploads are kept too, so the history shows
 * them and the file can be fetched.
 */
export async function saveUpload(db: Db, actor: Actor, input: UploadInput, read: ReadUpload): Promise<{ uploadId: string | null; report: UploadReport }> {
  if (read.refusal !== null) return { uploadId: null, report: rejected(read.format, [read.refusal]) };
  const { format, period } = read;
  const reject = async (problems: StructuralProblem[], extra: Pick<UploadReport, 'customerProfiles'> = {}) => {
    const report = { ...rejected(format, problems), ...extra };
    const uploadId = await storeUpload(db, actor, input, format, format === 'xlsx' && isValidPeriod(period) ? period : null, report);
    await emitEvents(db, actor.tenantId, [
      {
        event: 'upload.rejected',
        summary: `The upload ${input.filename} was rejected: ${problems[0]?.message ?? 'it has problems'}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`,
        data: { uploadId, filename: input.filename, problems: problems.slice(0, 20).map((p) => p.message), problemCount: problems.length },
      },
    ]);
    return { uploadId, report };
  };
  if (read.customerProfiles) return reject(read.problems, { customerProfiles: true });
  const create = input.createAccounts ?? true;
  if (read.problems.length && create) return reject(read.problems);
  const { byKey: accounts, problems } = await resolveAccounts(db, actor, read.rows, create);
  if (read.problems.length || problems.length) return reject([...read.problems, ...problems]);
  const accountOf = (r: ImportRow) => accounts.get(accountNameKey(r.account)) as { id: string; name: string; created: boolean };

  const productPairs = read.rows.filter((r) => r.product).map((r) => ({ accountId: accountOf(r).id, name: r.product as string }));
  const { ids: products } = await ensureProducts(db, actor.tenantId, productPairs);

  const ctx = await loadScoringContext(db, actor.tenantId);
  const scored = read.rows.map((r) => {
    const key = kpiKey(r.kpi);
    const effective = ctx.ranges.get(key);
    return { row: r, key, effective, result: scoreReading({ raw: r.raw }, effective?.range) };
  });

  const pairs = new Map<string, AccountPeriod & { account: string; readings: number }>();
  for (const { row } of scored) {
    const account = accountOf(row);
    const k = `${account.id}|${row.period}`;
    const pair = pairs.get(k) ?? { accountId: account.id, period: row.period, account: account.name, readings: 0 };
    pair.readings += 1;
    pairs.set(k, pair);
  }
  const pairList = [...pairs.values()];
  const pairTable = sql`(SELECT * FROM unnest(${pairList.map((p) => p.accountId)}::uuid[], ${pairList.map((p) => p.period)}::text[]))`;
  const previous = await db
    .selectFrom('kpi_upload_versions')
    .select(['kpi_upload_versions.account_id', 'kpi_upload_versions.period', sql<number>`max(kpi_upload_versions.version)`.as('version')])
    .where('kpi_upload_versions.tenant_id', '=', actor.tenantId)
    .where(sql<boolean>`(kpi_upload_versions.account_id, kpi_upload_versions.period) IN ${pairTable}`)
    .groupBy(['kpi_upload_versions.account_id', 'kpi_upload_versions.period'])
    .execute();
  const previousVersion = new Map(previous.map((p) => [`${p.account_id}|${p.period}`, Number(p.version)]));

  const warnings: UploadWarning[] = scored.flatMap((s) => {
    const where = { sheet: s.row.sheet, row: s.row.line, account: accountOf(s.row).name, kpi: s.row.kpi };
    const cells = s.row.warnings.map((w) => ({ ...where, column: w.column, code: w.code, message: w.message }));
    return s.result.warning ? [{ ...where, column: null, code: s.result.warning.code, message: s.result.warning.message }, ...cells] : cells;
  });
  const report: UploadReport = {
    status: 'accepted',
    format,
    problems: [],
    counts: {
      readings: scored.length,
      scored: scored.filter((s) => s.result.score !== null).length,
      unknown: scored.filter((s) => s.result.status === 'unknown').length,
      warnings: warnings.length,
      accountsCreated: [...accounts.values()].filter((a) => a.created).length,
    },
    warnings: warnings.slice(0, MAX_LISTED_WARNINGS),
    accounts: [...accounts.values()],
    versions: pairList.map((p) => ({
      accountId: p.accountId,
      account: p.account,
      period: p.period,
      version: (previousVersion.get(`${p.accountId}|${p.period}`) ?? 0) + 1,
      readings: p.readings,
    })),
  };
  const uploadId = await storeUpload(db, actor, input, format, format === 'xlsx' ? period : null, report);

  await db
    .deleteFrom('kpi_readings')
    .where('kpi_readings.tenant_id', '=', actor.tenantId)
    .where(sql<boolean>`(kpi_readings.account_id, kpi_readings.period) IN ${pairTable}`)
    .execute();
  await db
    .insertInto('kpi_upload_versions')
    .values(
      report.versions.map((v) => ({
        tenant_id: actor.tenantId,
        upload_id: uploadId,
        account_id: v.accountId,
        period: v.period,
        version: v.version,
        reading_count: v.readings,
      })),
    )
    .execute();
  await bulkInsert(db, 'kpi_readings', [
    { name: 'tenant_id', type: 'uuid', values: scored.map(() => actor.tenantId) },
    { name: 'account_id', type: 'uuid', values: scored.map((s) => accountOf(s.row).id) },
    {
      name: 'product_id',
      type: 'uuid',
      values: scored.map((s) => (s.row.product ? (products.get(productKey(accountOf(s.row).id, s.row.product)) ?? null) : null)),
    },
    { name: 'upload_id', type: 'uuid', values: scored.map(() => uploadId) },
    { name: 'period', type: 'text', values: scored.map((s) => s.row.period) },
    { name: 'category', type: 'text', values: scored.map((s) => s.row.category.trim()) },
    { name: 'kpi_name', type: 'text', values: scored.map((s) => s.effective?.range.kpiName ?? s.row.kpi.trim()) },
    { name: 'kpi_key', type: 'text', values: scored.map((s) => s.key) },
    { name: 'raw', type: 'text', values: scored.map((s) => s.row.raw) },
    { name: 'displayed', type: 'text', values: scored.map((s) => s.row.displayed) },
    { name: 'value', type: 'float8', values: scored.map((s) => s.result.value) },
    { name: 'unit', type: 'text', values: scored.map((s) => s.result.unit) },
    { name: 'status', type: 'text', values: scored.map((s) => s.result.status) },
    { name: 'score', type: 'float8', values: scored.map((s) => s.result.score) },
    { name: 'impact', type: 'text', values: scored.map((s) => normaliseImpact(s.row.impact)) },
    { name: 'weight', type: 'float8', values: scored.map((s) => s.row.weight) },
    { name: 'source', type: 'text', values: scored.map((s) => s.row.source) },
    { name: 'frequency', type: 'text', values: scored.map((s) => s.row.frequency) },
    { name: 'warning', type: 'text', values: scored.map((s) => s.result.warning?.message ?? null) },
  ]);
  await recomputeHealth(db, actor.tenantId, ctx, pairList);
  await db
    .updateTable('accounts')
    .set({ updated_at: new Date() })
    .where('accounts.tenant_id', '=', actor.tenantId)
    .where('accounts.id', 'in', [...new Set(pairList.map((p) => p.accountId))])
    .execute();
  await evaluatePlaybooks(db, actor, report.accounts.map((a) => a.id));
  return { uploadId, report };
}

export interface UploadSummary {
  id: string;
  filename: string;
  format: 'csv' | 'xlsx';
  sizeBytes: number;
  period: string | null;
  accountName: string | null;
  status: 'accepted' | 'rejected';
  uploadedBy: { id: string; name: string };
  createdAt: Date;
}

function uploadsQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('kpi_uploads')
    .innerJoin('users', (j) => j.onRef('users.tenant_id', '=', 'kpi_uploads.tenant_id').onRef('users.id', '=', 'kpi_uploads.uploaded_by'))
    .select([
      'kpi_uploads.id',
      'kpi_uploads.filename',
      'kpi_uploads.format',
      'kpi_uploads.size_bytes',
      'kpi_uploads.period',
      'kpi_uploads.account_name',
      'kpi_uploads.status',
      'kpi_uploads.created_at',
      'users.id as user_id',
      'users.name as user_name',
    ])
    .where('kpi_uploads.tenant_id', '=', tenantId);
}

type UploadRow = Awaited<ReturnType<ReturnType<typeof uploadsQuery>['executeTakeFirstOrThrow']>>;

function toSummary(r: UploadRow): UploadSummary {
  return {
    id: r.id,
    filename: r.filename,
    format: r.format,
    sizeBytes: r.size_bytes,
    period: r.period,
    accountName: r.account_name,
    status: r.status,
    uploadedBy: { id: r.user_id, name: r.user_name },
    createdAt: r.created_at,
  };
}

export async function listUploads(
  db: Db,
  tenantId: string,
  filters: { accountId?: string | null | undefined; status?: 'accepted' | 'rejected' | null | undefined },
  page: PageRequest,
): Promise<Page<UploadSummary>> {
  let q = uploadsQuery(db, tenantId);
  if (filters.status) q = q.where('kpi_uploads.status', '=', filters.status);
  if (filters.accountId) {
    const accountId = filters.accountId;
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom('kpi_upload_versions')
          .select('kpi_upload_versions.id')
          .whereRef('kpi_upload_versions.tenant_id', '=', 'kpi_uploads.tenant_id')
          .whereRef('kpi_upload_versions.upload_id', '=', 'kpi_uploads.id')
          .where('kpi_upload_versions.account_id', '=', accountId),
      ),
    );
  }
  const result = await paginate(
    q,
    [
      { column: sql.ref('kpi_uploads.created_at'), value: (r) => r.created_at.toISOString(), direction: 'desc' },
      { column: sql.ref('kpi_uploads.id'), value: (r) => r.id, direction: 'desc' },
    ],
    page,
  );
  return { items: result.items.map(toSummary), nextCursor: result.nextCursor };
}

export async function getUpload(db: Db, tenantId: string, id: string): Promise<UploadSummary & { report: UploadReport; sha256: string }> {
  const row = await uploadsQuery(db, tenantId)
    .select(['kpi_uploads.report', 'kpi_uploads.sha256'])
    .where('kpi_uploads.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Upload');
  return { ...toSummary(row), report: row.report as UploadReport, sha256: row.sha256 };
}

/** The stored file of an upload. The type its uploader declared is not returned: it is never served back. */
export async function getUploadFile(db: Db, tenantId: string, id: string): Promise<{ filename: string; content: Uint8Array }> {
  const row = await db
    .selectFrom('kpi_uploads')
    .select(['kpi_uploads.filename', 'kpi_uploads.content'])
    .where('kpi_uploads.tenant_id', '=', tenantId)
    .where('kpi_uploads.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Upload');
  return { filename: row.filename, content: row.content };
}
