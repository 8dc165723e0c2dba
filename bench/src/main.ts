/**
 * pnpm bench        the full suite on DATABASE_URL's server (dataset built once, then reused)
 * pnpm bench:smoke  the same code on a tiny throw-away dataset in seconds (CI); targets are not asserted
 *
 * Environment: DATABASE_URL (required), BENCH_SCALE (account-count multiplier, default 1),
 * BENCH_DATABASE_URL (use this database instead of pulse_bench*), BENCH_ONLY (e.g. "1,3").
 * Results: a table on stdout and bench/results/latest.json (smoke: bench/results/smoke.json).
 */
import os from 'node:os';
import path from 'node:path';
import { defaultSettings, rollupHealth } from '@pulse/scoring';
import { BENCH_PASSWORD, tenantHandle } from './dataset.js';
import { benchDatabaseFor, dropDatabase } from './database.js';
import { login, startServer, type ServerProcess } from './http.js';
import { parseArgs } from './options.js';
import { prepare, type Prepared } from './prepare.js';
import { benchRoot, environment, markdownTable, printTable, Results, writeJson } from './report.js';
import type { BenchContext } from './context.js';
import { now } from './stats.js';
import { keysetSuite } from './suites/keyset.js';
import { uploadSuite } from './suites/uploads.js';
import { ladderSuite } from './suites/ladder.js';
import { sessionSuite } from './suites/sessions.js';
import { dashboardSuite } from './suites/dashboard.js';
import { loginSuite } from './suites/login.js';
import { pgliteSuite } from './suites/pglite.js';
import { recomputeSuite } from './suites/recompute.js';
import { streamUploadSuite } from './suites/stream-upload.js';

const SUITES: { id: number; name: string; run: (ctx: BenchContext) => Promise<void> }[] = [
  { id: 1, name: 'keyset depth', run: keysetSuite },
  { id: 5, name: 'dashboard', run: dashboardSuite },
  { id: 3, name: 'request ladder', run: ladderSuite },
  { id: 4, name: 'session cost', run: sessionSuite },
  { id: 6, name: 'login under load', run: loginSuite },
  { id: 2, name: 'upload ingestion', run: uploadSuite },
  { id: 9, name: 'streamed CSV upload', run: streamUploadSuite },
  { id: 8, name: 'recompute', run: recomputeSuite },
  { id: 7, name: 'embedded PGlite', run: pgliteSuite },
];

const started = now();
const elapsed = () => `${((now() - started) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(line);

/** Readings, account_health and accounts.health_* agree: a few account-periods re-scored by the real rollup. */
async function checkDataset(prepared: Prepared, tenantId: string): Promise<string> {
  const { rows: samples } = await prepared.pg.query<{
    account_id: string;
    period: string;
    overall: number | null;
    health_period: string;
    health_previous_period: string | null;
    latest: string;
    previous: string | null;
  }>(
    `SELECT h.account_id, h.period, h.overall, a.health_period, a.health_previous_period,
            (SELECT max(period) FROM account_health x WHERE x.tenant_id = h.tenant_id AND x.account_id = h.account_id) AS latest,
            (SELECT max(period) FROM account_health x WHERE x.tenant_id = h.tenant_id AND x.account_id = h.account_id AND x.period < a.health_period) AS previous
     FROM account_health h JOIN accounts a ON a.tenant_id = h.tenant_id AND a.id = h.account_id
     WHERE h.tenant_id = $1 ORDER BY h.account_id, h.period LIMIT 3`,
    [tenantId],
  );
  for (const s of samples) {
    const { rows } = await prepared.pg.query<{ category: string; impact: string; score: number | null }>(
      `SELECT category, impact, score FROM kpi_readings WHERE tenant_id = $1 AND account_id = $2 AND period = $3`,
      [tenantId, s.account_id, s.period],
    );
    const rollup = rollupHealth(rows, defaultSettings);
    if (rollup.overall === null || s.overall === null || Math.abs(rollup.overall - s.overall) > 1e-9) {
      throw new Error(`dataset check: account_health ${s.overall} ≠ rollup ${rollup.overall} for ${s.account_id} ${s.period}`);
    }
    if (s.health_period !== s.latest) throw new Error('dataset check: accounts.health_period is not the latest period');
    if (s.health_previous_period !== s.previous) throw new Error('dataset check: accounts.health_previous_period is not the period before it');
  }
  return `${samples.length} account-periods re-scored: identical`;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2), process.env);
  const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => Number(s.trim()))) : null;
  const target = benchDatabaseFor(process.env, options.mode, options.scale);
  const load = os.loadavg();
  log(
    `Pulse benchmark (${options.mode}${options.scale !== 1 ? `, BENCH_SCALE=${options.scale}` : ''}) on database ${target.name}; load average ${load.map((l) => l.toFixed(2)).join(' ')}`,
  );
  if (options.mode === 'full' && (load[0] ?? 0) > os.cpus().length * 0.5) {
    log(`Warning: the machine is busy (1-minute load ${load[0]?.toFixed(2)} on ${os.cpus().length} cores): numbers will be noisy.`);
  }
  const results = new Results();
  let prepared: Prepared;
  try {
    prepared = await prepare(target, options, log);
  } catch (error) {
    if (target.temporary) await dropDatabase(target).catch(() => {});
    throw error;
  }
  let app: ServerProcess | null = null;
  const failures: string[] = [];
  const suiteSeconds: Record<string, number> = {};
  try {
    const env = await environment(prepared.pg);
    const largest = await tenantHandle(prepared.pg, 1);
    results.add(
      '0 dataset',
      'tenants / accounts / readings',
      `${prepared.dataset.totals.tenants} / ${prepared.dataset.totals.accounts.toLocaleString('en')} / ${prepared.dataset.totals.readings.toLocaleString('en')}`,
    );
    results.add('0 dataset', 'consistency (rollup of stored readings = account_health)', await checkDataset(prepared, largest.id));
    app = await startServer('full', target.url, options.bcryptCost);
    const cookie = await login(app.url, largest.adminEmail, BENCH_PASSWORD);
    const ctx: BenchContext = { options, target, prepared, results, log, largest, app, cookie };
    for (const suite of SUITES) {
      if (only && !only.has(suite.id)) continue;
      log(`[${elapsed()}] ${suite.id}. ${suite.name}`);
      const t = now();
      try {
        await suite.run(ctx);
      } catch (error) {
        failures.push(`${suite.id}. ${suite.name}: ${error instanceof Error ? error.message : String(error)}`);
        console.error(error);
        results.add(`${suite.id} ${suite.name}`, 'ERROR', error instanceof Error ? error.message.slice(0, 120) : String(error));
      }
      suiteSeconds[suite.name] = Math.round((now() - t) / 100) / 10;
    }

    const table = printTable(results.rows);
    log(`\n${table}\n`);
    const targets = results.rows.filter((r) => r.pass !== null);
    const missed = targets.filter((r) => r.pass === false);
    log(
      `${targets.length - missed.length}/${targets.length} targets met${options.mode === 'smoke' ? ' (smoke: tiny dataset, targets not asserted)' : ''}; ran in ${elapsed()}.`,
    );
    if (process.argv.includes('--markdown')) log(`\n${markdownTable(results.rows)}\n`);
    const file = path.join(benchRoot, 'results', options.mode === 'smoke' ? 'smoke.json' : 'latest.json');
    writeJson(file, {
      mode: options.mode,
      scale: options.scale,
      startedAt: new Date(Date.now() - (now() - started)).toISOString(),
      seconds: Math.round((now() - started) / 100) / 10,
      suiteSeconds,
      loadAverageAtStart: load,
      ...env,
      database: target.name,
      dataset: { ...prepared.dataset, reused: prepared.reused },
      table: results.rows,
      targets: { met: targets.length - missed.length, total: targets.length, missed: missed.map((r) => `${r.bench}: ${r.metric}`) },
      failures,
      details: results.details,
    });
    log(`Wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    await app?.stop();
    await prepared.pg.end();
    await prepared.handle.close();
    if (target.temporary) await dropDatabase(target);
  }
  if (failures.length) {
    console.error(`\n${failures.length} benchmark(s) failed to run:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
