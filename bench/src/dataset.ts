import { createHash } from 'node:crypto';
import bcrypt from 'bcrypt';
import { defaultCatalogue, defaultSettings, kpiKey, rollupHealth, scoreReading, type ReferenceRange } from '@pulse/scoring';
import { periods, readingCount, type BenchOptions, type TenantShape } from './options.js';
import { now } from './stats.js';

/**
 * The benchmark dataset, generated inside the database with INSERT … SELECT generate_series.
 *
 * Every account-period has a "state" s (0–40) derived from the account's ordinal and the
 * period; a KPI's reading in state s is a fixed (raw, value, status, score) that the real
 * scoring library produced (bench.kpi_values), and the account's health in state s is what
 * the real rollup produced from exactly those readings (bench.state_health). So readings,
 * account_health and accounts.health_* agree by construction, the way an upload leaves them.
 *
 * Helper tables live in the `bench` schema, with the marker (bench.meta) saying which
 * dataset the database holds; the application's tables are the migrated public schema.
 */

export const DATASET_VERSION = 3;
export const BENCH_PASSWORD = 'pulse-bench-password-2026';
const STATES = 41;

/** What both node-pg clients and PGlite offer. */
export interface Exec {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface DatasetInfo {
  version: number;
  signature: string;
  tenants: (TenantShape & { readings: number })[];
  totals: { tenants: number; users: number; accounts: number; readings: number; accountHealth: number; uploadVersions: number };
  builtAt: string;
  buildSeconds: number;
  steps: Record<string, number>;
}

export function datasetSignature(options: BenchOptions): string {
  const shape = { v: DATASET_VERSION, tenants: options.tenants, cost: options.bcryptCost };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}

/** 60 KPIs taken round-robin across categories, so the first 20 cover every category too. */
export function benchKpis(): ReferenceRange[] {
  const byCategory = new Map<string, ReferenceRange[]>();
  for (const r of defaultCatalogue) byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r]);
  const out: ReferenceRange[] = [];
  while (out.length < 60) {
    for (const list of byCategory.values()) {
      const next = list.shift();
      if (next && out.length < 60) out.push(next);
    }
  }
  return out;
}

const IMPACTS = ['High', 'Medium', 'Low'] as const;

/** A raw cell whose score is about `target` (0–100), written in the KPI's unit. */
function rawFor(range: ReferenceRange, target: number): string {
  const { scaleMin, riskThreshold, healthyThreshold, scaleMax, higherIsBetter } = range;
  // Position along the scale from worst to best, band by band (critical 0–33, risk 34–66, healthy 67–100).
  const worst = higherIsBetter ? scaleMin : Math.min(scaleMax, Math.max(riskThreshold * 3, riskThreshold + 1));
  const best = higherIsBetter ? scaleMax : scaleMin;
  const [from, to, t] =
    target < 34
      ? [worst, riskThreshold, target / 33]
      : target < 67
        ? [riskThreshold, healthyThreshold, (target - 34) / 32]
        : [healthyThreshold, best, (target - 67) / 33];
  const value = from + (to - from) * t;
  const shown = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  switch (range.unit) {
    case '%':
      return `${shown}%`;
    case '$':
      return shown >= 1000 ? `$${Math.round(shown / 100) / 10}K` : `$${shown}`;
    case 'hours':
      return `${shown} hours`;
    case 'days':
      return `${shown} days`;
    default:
      return String(shown);
  }
}

interface KpiValue {
  k: number;
  s: number;
  raw: string;
  value: number | null;
  unit: string | null;
  status: string;
  score: number | null;
  warning: string | null;
}

export function kpiValues(kpis: ReferenceRange[]): KpiValue[] {
  const out: KpiValue[] = [];
  kpis.forEach((range, k) => {
    for (let s = 0; s < STATES; s++) {
      const level = Math.max(0, Math.min(40, s + ((k * 17) % 11) - 5));
      const raw = (s * 31 + k * 17) % 37 === 0 ? 'pending' : rawFor(range, level * 2.5);
      const scored = scoreReading({ raw }, range);
      out.push({ k, s, raw, value: scored.value, unit: scored.unit, status: scored.status, score: scored.score, warning: scored.warning?.message ?? null });
    }
  });
  return out;
}

function impactOf(k: number): (typeof IMPACTS)[number] {
  return IMPACTS[k % 3] as (typeof IMPACTS)[number];
}

function weightOf(k: number): number {
  return Math.round((0.02 + (k % 5) * 0.01) * 100) / 100;
}

/** Health of an account-period in state s with the tenant's first `kpiCount` KPIs: the real rollup. */
export function stateHealth(kpis: ReferenceRange[], values: KpiValue[], kpiCount: number, s: number) {
  const readings = kpis.slice(0, kpiCount).map((range, k) => {
    const v = values[k * STATES + s] as KpiValue;
    return { category: range.category, impact: impactOf(k), score: v.score };
  });
  return rollupHealth(readings, defaultSettings);
}

/** SQL for the state of account ordinal `a` in period index `p` (0 = oldest) of `m` months. */
const STATE_SQL = (a: string, p: string, m: string) => `GREATEST(0, LEAST(40,
  floor(40 * sqrt(((${a} * 7919 + 13) % 1000) / 1000.0))::int
  + ((${a} + 3 * ${p}) % 5) - 2
  - ((((${a} * 31) % 5) - 2) * (${m} - 1 - ${p})) / 4))`;

export interface BuildOptions {
  /** Extra connections for the big INSERTs (PostgreSQL); empty on PGlite. */
  parallel: Exec[];
  /** PostgreSQL: drop kpi_readings' indexes for the load and rebuild them after, skip FK triggers. */
  bulkLoad: boolean;
  log: (line: string) => void;
}

async function stepTimer(steps: Record<string, number>, log: (l: string) => void, name: string, fn: () => Promise<unknown>) {
  const start = now();
  await fn();
  steps[name] = Math.round(now() - start);
  log(`  ${name}: ${((now() - start) / 1000).toFixed(1)} s`);
}

/** Builds the whole dataset into an empty, migrated database. */
export async function buildDataset(db: Exec, options: BenchOptions, build: BuildOptions): Promise<DatasetInfo> {
  const started = now();
  const steps: Record<string, number> = {};
  const { log } = build;
  const kpis = benchKpis();
  const values = kpiValues(kpis);
  const hash = await bcrypt.hash(BENCH_PASSWORD, options.bcryptCost);
  const workers = [db, ...build.parallel];

  await stepTimer(steps, log, 'helper tables', async () => {
    await db.query('CREATE SCHEMA IF NOT EXISTS bench');
    await db.query('DROP TABLE IF EXISTS bench.meta, bench.tenants, bench.kpis, bench.kpi_values, bench.state_health');
    await db.query('CREATE TABLE bench.meta (key text PRIMARY KEY, value jsonb NOT NULL)');
    await db.query(
      `CREATE TABLE bench.tenants (ordinal int PRIMARY KEY, id uuid NOT NULL, accounts int NOT NULL, months int NOT NULL, kpis int NOT NULL, users int NOT NULL)`,
    );
    await db.query(
      `CREATE TABLE bench.kpis (k int PRIMARY KEY, kpi_name text NOT NULL, kpi_key text NOT NULL, category text NOT NULL, impact text NOT NULL, weight double precision NOT NULL)`,
    );
    await db.query(
      `CREATE TABLE bench.kpi_values (k int NOT NULL, s int NOT NULL, raw text NOT NULL, value double precision, unit text, status text NOT NULL, score double precision, warning text, PRIMARY KEY (k, s))`,
    );
    await db.query(
      `CREATE TABLE bench.state_health (kpis int NOT NULL, s int NOT NULL, overall double precision, tier text NOT NULL, coverage double precision, scored_count int NOT NULL, reading_count int NOT NULL, categories jsonb NOT NULL, PRIMARY KEY (kpis, s))`,
    );
    await db.query(`INSERT INTO bench.kpis SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[])`, [
      kpis.map((_, k) => k),
      kpis.map((r) => r.kpiName),
      kpis.map((r) => kpiKey(r.kpiName)),
      kpis.map((r) => r.category),
      kpis.map((_, k) => impactOf(k)),
      kpis.map((_, k) => weightOf(k)),
    ]);
    await db.query(
      `INSERT INTO bench.kpi_values SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::float8[], $8::text[])`,
      [
        values.map((v) => v.k),
        values.map((v) => v.s),
        values.map((v) => v.raw),
        values.map((v) => v.value),
        values.map((v) => v.unit),
        values.map((v) => v.status),
        values.map((v) => v.score),
        values.map((v) => v.warning),
      ],
    );
    const shapes = [...new Set(options.tenants.map((t) => t.kpis))];
    const health = shapes.flatMap((kpiCount) => Array.from({ length: STATES }, (_, s) => ({ kpiCount, s, h: stateHealth(kpis, values, kpiCount, s) })));
    await db.query(
      `INSERT INTO bench.state_health SELECT * FROM unnest($1::int[], $2::int[], $3::float8[], $4::text[], $5::float8[], $6::int[], $7::int[], $8::jsonb[])`,
      [
        health.map((x) => x.kpiCount),
        health.map((x) => x.s),
        health.map((x) => x.h.overall),
        health.map((x) => x.h.tier),
        health.map((x) => x.h.coverage),
        health.map((x) => x.h.scoredCount),
        health.map((x) => x.h.readingCount),
        health.map((x) => JSON.stringify(x.h.categories)),
      ],
    );
  });

  await stepTimer(steps, log, 'tenants, settings, users', async () => {
    const t = options.tenants;
    await db.query(
      `INSERT INTO bench.tenants SELECT o, gen_random_uuid(), a, m, k, u FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[]) AS x(o, a, m, k, u)`,
      [t.map((x) => x.ordinal), t.map((x) => x.accounts), t.map((x) => x.months), t.map((x) => x.kpis), t.map((x) => x.users)],
    );
    await db.query(`INSERT INTO tenants (id, name) SELECT id, 'Bench Tenant ' || lpad(ordinal::text, 2, '0') FROM bench.tenants`);
    await db.query(`INSERT INTO tenant_settings (tenant_id, category_weights, tier_healthy, tier_at_risk) SELECT id, $1::jsonb, $2, $3 FROM bench.tenants`, [
      JSON.stringify(defaultSettings.categoryWeights),
      defaultSettings.tiers.healthy,
      defaultSettings.tiers.atRisk,
    ]);
    await db.query(
      `INSERT INTO users (tenant_id, email, name, role, password_hash)
       SELECT t.id,
              CASE WHEN n = 1 THEN 'admin' ELSE 'user' || lpad(n::text, 4, '0') END || '@t' || lpad(t.ordinal::text, 2, '0') || '.bench.example',
              'Bench User ' || n, CASE WHEN n = 1 THEN 'admin' ELSE 'member' END, $1
       FROM bench.tenants t CROSS JOIN LATERAL generate_series(1, t.users) AS n`,
      [hash],
    );
  });

  await stepTimer(steps, log, 'accounts', () =>
    db.query(`
      INSERT INTO accounts (tenant_id, name, name_key, external_id, industry, region, status, tier, revenue, csm_owner,
                            renewal_date, lifecycle_stage, archived_at, created_at, updated_at)
      SELECT t.id, 'Account ' || lpad(a::text, 6, '0'), 'account ' || lpad(a::text, 6, '0'), 'B-' || a,
             (ARRAY['Software','Manufacturing','Healthcare','Finance','Retail','Energy','Education','Media'])[1 + a % 8],
             (ARRAY['EMEA','North America','APAC','LATAM'])[1 + a % 4],
             (ARRAY['active','active','active','onboarding','at_risk','paused'])[1 + a % 6],
             (ARRAY['Enterprise','Mid-Market','SMB'])[1 + a % 3],
             10000 + ((a * 7919) % 500) * 1000,
             'CSM ' || (a % 25),
             date '2026-01-01' + (a % 365),
             'Adoption',
             CASE WHEN a % 100 = 0 THEN timestamptz '2026-06-01' END,
             timestamptz '2024-01-01' + a * interval '1 minute',
             timestamptz '2026-01-01' + ((a * 7919) % 100000) * interval '1 minute'
      FROM bench.tenants t CROSS JOIN LATERAL generate_series(1, t.accounts) AS a`),
  );

  await stepTimer(steps, log, 'uploads and versions', async () => {
    for (const t of options.tenants) {
      const list = periods(t.months);
      await db.query(
        `INSERT INTO kpi_uploads (tenant_id, uploaded_by, filename, format, content_type, size_bytes, sha256, content, period, status, report, created_at)
         SELECT t.id, u.id, 'bench-' || p.period || '.csv', 'csv', 'text/csv', $3::int, encode(sha256(convert_to(p.period, 'UTF8')), 'hex'),
                convert_to('account,period,category,kpi,value' || chr(10), 'UTF8'), NULL, 'accepted',
                jsonb_build_object('status', 'accepted', 'format', 'csv', 'counts', jsonb_build_object('readings', $3::int)),
                (p.period || '-28')::date::timestamptz
         FROM bench.tenants t
         JOIN users u ON u.tenant_id = t.id AND u.role = 'admin'
         CROSS JOIN unnest($2::text[]) AS p(period)
         WHERE t.ordinal = $1`,
        [t.ordinal, list, t.accounts * t.kpis * 40],
      );
      await db.query(
        `INSERT INTO kpi_upload_versions (tenant_id, upload_id, account_id, period, version, reading_count, created_at)
         SELECT a.tenant_id, up.id, a.id, substr(up.filename, 7, 7), 1, $2::int, up.created_at
         FROM bench.tenants t
         JOIN accounts a ON a.tenant_id = t.id
         JOIN kpi_uploads up ON up.tenant_id = t.id
         WHERE t.ordinal = $1`,
        [t.ordinal, t.kpis],
      );
    }
  });

  let dropped: { name: string; def: string; constraint: string | null }[] = [];
  if (build.bulkLoad) {
    await stepTimer(steps, log, 'drop kpi_readings indexes for the load', async () => {
      const { rows } = await db.query<{ name: string; def: string; constraint: string | null }>(`
        SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def,
               CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' END AS constraint
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype IN ('p', 'u')
        WHERE x.indrelid = 'public.kpi_readings'::regclass`);
      dropped = rows;
      for (const r of rows) {
        await db.query(r.constraint ? `ALTER TABLE kpi_readings DROP CONSTRAINT ${r.name}` : `DROP INDEX ${r.name}`);
      }
    });
  }

  await stepTimer(steps, log, 'kpi_readings', async () => {
    const jobs: { tenant: TenantShape; p: number; period: string }[] = [];
    for (const t of options.tenants) periods(t.months).forEach((period, p) => jobs.push({ tenant: t, p, period }));
    let done = 0;
    const total = jobs.length;
    const run = async (exec: Exec) => {
      for (;;) {
        const job = jobs.shift();
        if (!job) return;
        await exec.query(
          `INSERT INTO kpi_readings (tenant_id, account_id, upload_id, period, category, kpi_name, kpi_key, raw, value, unit, status, score, impact, weight, warning)
           SELECT a.tenant_id, a.id, up.id, $3, k.category, k.kpi_name, k.kpi_key, v.raw, v.value, v.unit, v.status, v.score, k.impact, k.weight, v.warning
           FROM (SELECT tenant_id, id, ${STATE_SQL('ord', '$2::int', '$5::int')} AS s
                 FROM (SELECT ac.tenant_id, ac.id, substr(ac.external_id, 3)::int AS ord
                       FROM accounts ac JOIN bench.tenants t ON t.id = ac.tenant_id WHERE t.ordinal = $1) o) a
           JOIN kpi_uploads up ON up.tenant_id = a.tenant_id AND up.filename = 'bench-' || $3 || '.csv'
           JOIN bench.kpis k ON k.k < $4
           JOIN bench.kpi_values v ON v.k = k.k AND v.s = a.s`,
          [job.tenant.ordinal, job.p, job.period, job.tenant.kpis, job.tenant.months],
        );
        done++;
        if (done % 12 === 0 || done === total) log(`    readings: ${done}/${total} tenant-periods`);
      }
    };
    await Promise.all(workers.map(run));
  });

  if (build.bulkLoad) {
    // Vacuum first: it sets hint bits and the visibility map in one pass, so the index builds only read.
    await stepTimer(steps, log, 'vacuum kpi_readings', () => db.query('VACUUM kpi_readings'));
    await stepTimer(steps, log, 'rebuild kpi_readings indexes', async () => {
      const queue = [...dropped];
      await Promise.all(
        workers.map(async (exec) => {
          for (;;) {
            const r = queue.shift();
            if (!r) return;
            await exec.query(r.def);
          }
        }),
      );
      // Constraints are built as plain unique indexes (ShareLock, so two builds run side by side), then attached.
      for (const r of dropped) {
        if (r.constraint) await db.query(`ALTER TABLE kpi_readings ADD CONSTRAINT ${r.name} ${r.constraint} USING INDEX ${r.name}`);
      }
    });
  }

  await stepTimer(steps, log, 'account_health and accounts.health_*', async () => {
    await db.query(`
      INSERT INTO account_health (tenant_id, account_id, product_id, period, overall, tier, coverage, scored_count, reading_count, categories, computed_at)
      SELECT a.tenant_id, a.id, NULL, p.period, h.overall, h.tier, h.coverage, h.scored_count, h.reading_count, h.categories, (p.period || '-28')::date::timestamptz
      FROM (SELECT ac.tenant_id, ac.id, substr(ac.external_id, 3)::int AS ord, t.months, t.kpis FROM accounts ac JOIN bench.tenants t ON t.id = ac.tenant_id) a
      CROSS JOIN LATERAL (
        SELECT to_char(date '2026-11-01' - make_interval(months => a.months - 1 - i), 'YYYY-MM') AS period, i
        FROM generate_series(0, a.months - 1) AS i
      ) p
      JOIN bench.state_health h ON h.kpis = a.kpis AND h.s = ${STATE_SQL('a.ord', 'p.i', 'a.months')}`);
    await db.query(`
      UPDATE accounts ac SET health_overall = h.overall, health_tier = h.tier, health_period = h.period,
        health_previous_overall = p.overall, health_previous_period = p.period
      FROM account_health h
      LEFT JOIN account_health p ON p.tenant_id = h.tenant_id AND p.account_id = h.account_id AND p.product_id IS NULL AND p.period = '2026-10'
      WHERE h.tenant_id = ac.tenant_id AND h.account_id = ac.id AND h.product_id IS NULL AND h.period = '2026-11'`);
  });

  await stepTimer(steps, log, 'vacuum analyze', async () => {
    for (const table of ['kpi_readings', 'accounts', 'account_health', 'kpi_upload_versions', 'kpi_uploads', 'users', 'tenants', 'sessions']) {
      await db.query(build.bulkLoad && table !== 'kpi_readings' ? `VACUUM (ANALYZE) ${table}` : `ANALYZE ${table}`);
    }
  });

  const counts = (
    await db.query<Record<string, number>>(`
    SELECT (SELECT count(*) FROM tenants)::int AS tenants, (SELECT count(*) FROM users)::int AS users,
           (SELECT count(*) FROM accounts)::int AS accounts, (SELECT count(*) FROM kpi_readings)::int AS readings,
           (SELECT count(*) FROM account_health)::int AS "accountHealth", (SELECT count(*) FROM kpi_upload_versions)::int AS "uploadVersions"`)
  ).rows[0] as DatasetInfo['totals'];
  const info: DatasetInfo = {
    version: DATASET_VERSION,
    signature: datasetSignature(options),
    tenants: options.tenants.map((t) => ({ ...t, readings: readingCount(t) })),
    totals: counts,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((now() - started) / 100) / 10,
    steps,
  };
  await db.query(`INSERT INTO bench.meta (key, value) VALUES ('dataset', $1::jsonb)`, [JSON.stringify(info)]);
  return info;
}

/** The marker of a complete dataset, or null (absent, unfinished or another shape). */
export async function readDataset(db: Exec, options: BenchOptions): Promise<DatasetInfo | null> {
  const exists = await db.query<{ ok: boolean }>(`SELECT to_regclass('bench.meta') IS NOT NULL AS ok`);
  if (!exists.rows[0]?.ok) return null;
  const { rows } = await db.query<{ value: DatasetInfo }>(`SELECT value FROM bench.meta WHERE key = 'dataset'`);
  const info = rows[0]?.value;
  return info && info.signature === datasetSignature(options) ? info : null;
}

export interface TenantHandle {
  ordinal: number;
  id: string;
  adminEmail: string;
  memberEmails: string[];
}

export async function tenantHandle(db: Exec, ordinal: number): Promise<TenantHandle> {
  const { rows } = await db.query<{ id: string; email: string; role: string }>(
    `SELECT t.id, u.email, u.role FROM bench.tenants t JOIN users u ON u.tenant_id = t.id WHERE t.ordinal = $1 ORDER BY u.email`,
    [ordinal],
  );
  if (!rows[0]) throw new Error(`Bench tenant ${ordinal} is missing.`);
  return {
    ordinal,
    id: rows[0].id,
    adminEmail: (rows.find((r) => r.role === 'admin') ?? rows[0]).email,
    memberEmails: rows.filter((r) => r.role === 'member').map((r) => r.email),
  };
}
