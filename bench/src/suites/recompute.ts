import fs from 'node:fs';
import { defaultRangeFor, defaultSettings, kpiKey } from '@pulse/scoring';
import { BENCH_PASSWORD, tenantHandle } from '../dataset.js';
import { fmtInt, fmtMs, fmtX, type BenchContext } from '../context.js';
import { CLIENT_HEADERS, getJson, load, login, postJson, startServer, trpcQueryPath } from '../http.js';
import { now } from '../stats.js';

interface Effect {
  accountsRescored: number;
  tierChanges: number;
}

interface RunView {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  phase: 'current' | 'history';
  accountsDone: number;
  accountsTotal: number;
  effect: Effect;
  error: string | null;
}

interface Status {
  current: RunView | null;
  last: RunView | null;
}

const WEIGHTS_TARGET_MS = 10_000;
const RANGE_TARGET_MS = 30_000;
const MEMORY_BOUND_MB = 150;

/** Resident set size of a process in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Runs `fn` while sampling the RSS of the processes every 20 ms; returns its time and each one's peak. */
async function measured<T>(pids: number[], fn: () => Promise<T>): Promise<{ ms: number; peakMb: number[]; value: T }> {
  const peakMb = pids.map(rssMb);
  const sample = () => pids.forEach((pid, i) => (peakMb[i] = Math.max(peakMb[i] as number, rssMb(pid))));
  const timer = setInterval(sample, 20);
  const start = now();
  try {
    const value = await fn();
    sample();
    return { ms: now() - start, peakMb, value };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A change end to end: the mutation, then, when the tenant is large enough for a job
 * (RECOMPUTE_JOB_THRESHOLD), recompute.status polled every 100 ms until the job has finished.
 * `currentMs`: until every account's current health showed the change (the job's first phase
 * ended, or the request itself when it recomputed inline), from the start of the request.
 */
async function change(url: string, cookie: string, procedure: string, input: unknown): Promise<{ effect: Effect; queued: boolean; currentMs: number }> {
  const start = now();
  const status = () => getJson<{ result: { data: Status } }>(url, trpcQueryPath('recompute.status'), cookie).then((r) => r.result.data);
  const before = (await status()).last?.id ?? null;
  const saved = await postJson<{ effect: Effect | null; queued: boolean }>(url, procedure, input, cookie);
  if (saved.effect) return { effect: saved.effect, queued: false, currentMs: now() - start };
  let currentMs: number | null = null;
  for (;;) {
    const { current, last } = await status();
    if (currentMs === null && current?.phase === 'history') currentMs = now() - start;
    if (current === null && last !== null && last.id !== before) {
      if (last.status !== 'completed') throw new Error(`recompute job ${last.status}: ${last.error ?? ''}`);
      return { effect: last.effect, queued: true, currentMs: currentMs ?? now() - start };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;

/**
 * ranges.updateSettings (weights) and ranges.update (one KPI) over HTTP on the largest tenant,
 * end to end (the recompute job included when the tenant is large enough for one), each
 * against the plain SQL that writes the same rows (rolled back), with the peak RSS of the app
 * server and of the job worker (a second instance, as with PULSE_JOBS) above their idle RSS,
 * and another tenant's list latency while the range change runs. Each change is undone
 * afterwards (timed too), so the dataset stays as built.
 */
export async function recomputeSuite(ctx: BenchContext): Promise<void> {
  const jobs = await startServer('jobs', ctx.target.url, ctx.options.bcryptCost);
  try {
    await measure(ctx, jobs.pid);
  } finally {
    await jobs.stop();
  }
}

async function measure(ctx: BenchContext, jobsPid: number): Promise<void> {
  const { results, prepared, largest, app, cookie, options } = ctx;
  const full = options.mode === 'full' && options.scale === 1;
  const pg = prepared.pg;
  const pids = [app.pid, jobsPid];
  const idleMb = pids.map(rssMb);

  const { rows: kpiRows } = await pg.query<{ kpi_key: string }>(`SELECT kpi_key FROM kpi_readings WHERE tenant_id = $1 AND status <> 'unknown' LIMIT 1`, [
    largest.id,
  ]);
  const kpi = defaultRangeFor(kpiRows[0]?.kpi_key ?? '');
  if (!kpi) throw new Error('recompute: the largest tenant has no scored catalogue KPI');

  /** Plain SQL writing the same rows, timed inside a transaction that is rolled back. */
  const plain = async (statements: [string, unknown[]][]): Promise<{ ms: number; rows: number }> => {
    await pg.query('BEGIN');
    try {
      const start = now();
      let rows = 0;
      for (const [text, params] of statements) rows += (await pg.query(text, params)).rowCount ?? 0;
      return { ms: now() - start, rows };
    } finally {
      await pg.query('ROLLBACK');
    }
  };

  // Earlier runs rewrote every health several times: start from the table as autovacuum leaves it.
  await pg.query('VACUUM (ANALYZE) account_health');
  /** The healths of each account's current periods (the job's first phase), as recompute.ts picks them. */
  const currentHealths = `FROM accounts a WHERE h.tenant_id = $1 AND a.tenant_id = $1 AND a.id = h.account_id
    AND h.period >= coalesce(a.health_previous_period, a.health_period, '')`;

  // Weights: every stored health of the tenant recombined, no reading touched.
  const weights = { ...defaultSettings.categoryWeights, 'Product Usage': 35, Support: 15 };
  const settings = await measured(pids, () => change(app.url, cookie, 'ranges.updateSettings', { categoryWeights: weights, tiers: defaultSettings.tiers }));
  const settingsBack = await measured(pids, () => change(app.url, cookie, 'ranges.updateSettings', defaultSettings));
  const settingsPlain = await plain([[`UPDATE account_health SET overall = overall WHERE tenant_id = $1`, [largest.id]]]);
  const settingsPlainCurrent = await plain([[`UPDATE account_health h SET overall = h.overall ${currentHealths}`, [largest.id]]]);

  // Another tenant's list at a fixed rate: alone, then while the range change below runs.
  const other = await tenantHandle(pg, 2);
  const otherList = {
    url: `${app.url}${trpcQueryPath('accounts.list', { limit: 50 })}`,
    headers: { ...CLIENT_HEADERS, cookie: await login(app.url, other.adminEmail, BENCH_PASSWORD) },
    connections: options.connections,
    rate: options.loginListRate,
    seconds: Math.min(30, Math.max(1, settings.ms / 1000)),
  };
  const otherIdle = await load(otherList);

  // One KPI's range: its readings re-scored, the category and overall of their healths recombined.
  const shifted = {
    kpi: kpi.kpiName,
    higherIsBetter: kpi.higherIsBetter,
    scaleMin: kpi.scaleMin,
    scaleMax: kpi.scaleMax,
    riskThreshold: kpi.riskThreshold + (kpi.healthyThreshold - kpi.riskThreshold) / 2,
    healthyThreshold: kpi.healthyThreshold,
  };
  const [range, otherBusy] = await Promise.all([measured(pids, () => change(app.url, cookie, 'ranges.update', shifted)), load(otherList)]);
  const rangeBack = await measured(pids, () => change(app.url, cookie, 'ranges.reset', { kpi: kpi.kpiName }));
  const rangePlain = await plain([
    [
      `UPDATE kpi_readings k SET score = k.score FROM accounts a
       WHERE a.tenant_id = $1 AND k.tenant_id = $1 AND k.account_id = a.id AND k.kpi_key = $2 AND k.status <> 'unknown'`,
      [largest.id, kpiKey(kpi.kpiName)],
    ],
    [
      `UPDATE account_health h SET overall = h.overall
       WHERE h.tenant_id = $1 AND (h.account_id, h.period) IN (
         SELECT k.account_id, k.period FROM accounts a JOIN kpi_readings k ON k.tenant_id = a.tenant_id AND k.account_id = a.id
         WHERE a.tenant_id = $1 AND k.kpi_key = $2 AND k.status <> 'unknown')`,
      [largest.id, kpiKey(kpi.kpiName)],
    ],
  ]);
  const rangePlainCurrent = await plain([
    [
      `UPDATE account_health h SET overall = h.overall ${currentHealths} AND EXISTS (
         SELECT 1 FROM kpi_readings k WHERE k.tenant_id = $1 AND k.account_id = h.account_id AND k.period = h.period
           AND k.kpi_key = $2 AND k.status <> 'unknown')`,
      [largest.id, kpiKey(kpi.kpiName)],
    ],
  ]);

  // The changes and their undo rewrote every health several times: leave the table as autovacuum
  // would, so the suites after this one (and the next run's) read it as built.
  await pg.query('VACUUM (ANALYZE) account_health');

  const bench = '8 recompute';
  const effect = (e: { effect: Effect; queued: boolean }) =>
    `${fmtInt(e.effect.accountsRescored)} accounts rescored, ${fmtInt(e.effect.tierChanges)} changed tier${e.queued ? ', as a job' : ', inline'}`;
  results.add(bench, 'RSS idle: app server; job worker', idleMb.map((mb) => `${mb.toFixed(0)} MB`).join('; '));
  /** One change's four rows: its current health (judged at the full dataset) and whole history, each against its plain SQL. */
  const report = (
    label: string,
    change: { ms: number; value: { effect: Effect; queued: boolean; currentMs: number } },
    undo: { label: string; ms: number },
    plainCurrent: { ms: number; rows: number },
    plainAll: { ms: number; rows: number; what: string },
    targetMs: number,
  ) => {
    const { currentMs } = change.value;
    results.add(
      bench,
      `${label} over HTTP: every account's current health done`,
      `${fmtS(currentMs)} (${effect(change.value)})`,
      full ? `≤ ${targetMs / 1000} s (full dataset)` : null,
      full ? currentMs <= targetMs : null,
    );
    results.add(
      bench,
      `  plain UPDATE of the same ${fmtInt(plainCurrent.rows)} current health rows; ratio`,
      `${fmtS(plainCurrent.ms)}; ${fmtX(currentMs / plainCurrent.ms)}`,
    );
    results.add(bench, `  whole history done (job included); ${undo.label}`, `${fmtS(change.ms)}; ${fmtS(undo.ms)}`);
    results.add(
      bench,
      `  plain UPDATE of the same ${fmtInt(plainAll.rows)} ${plainAll.what} rows; ratio`,
      `${fmtS(plainAll.ms)}; ${fmtX(change.ms / plainAll.ms)}`,
    );
  };
  report(
    'ranges.updateSettings (weights)',
    settings,
    { label: 'undo', ms: settingsBack.ms },
    settingsPlainCurrent,
    { ...settingsPlain, what: 'health' },
    WEIGHTS_TARGET_MS,
  );
  report(
    `ranges.update (${kpi.kpiName})`,
    range,
    { label: 'reset', ms: rangeBack.ms },
    rangePlainCurrent,
    { ...rangePlain, what: 'reading + health' },
    RANGE_TARGET_MS,
  );
  results.add(
    bench,
    `tenant 2's accounts.list at ${otherList.rate} req/s: p99 idle vs during the range change`,
    `${fmtMs(otherIdle.p99)} vs ${fmtMs(otherBusy.p99)} = ${fmtX(otherBusy.p99 / otherIdle.p99)}`,
    '≤ 2×',
    otherBusy.p99 / otherIdle.p99 <= 2,
  );
  const runs = [settings, settingsBack, range, rangeBack];
  const peaks = idleMb.map((_, i) => Math.max(...runs.map((r) => r.peakMb[i] as number)));
  const growth = Math.max(...peaks.map((peak, i) => peak - (idleMb[i] as number)));
  results.add(
    bench,
    'peak RSS during the four recomputes above idle: app server; job worker',
    `${peaks.map((peak, i) => `${(peak - (idleMb[i] as number)).toFixed(0)} MB (peak ${peak.toFixed(0)} MB)`).join('; ')}`,
    `≤ ${MEMORY_BOUND_MB} MB`,
    growth <= MEMORY_BOUND_MB,
  );
  results.detail('recompute', {
    idleMb,
    kpi: kpi.kpiName,
    otherIdle: { ...otherIdle, latencies: undefined },
    otherBusy: { ...otherBusy, latencies: undefined },
    settings,
    settingsBack,
    settingsPlain,
    settingsPlainCurrent,
    range,
    rangeBack,
    rangePlain,
    rangePlainCurrent,
  });
}
