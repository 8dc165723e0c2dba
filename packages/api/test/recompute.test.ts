import { beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDatabase } from '@pulse/db/testing';
import { defaultSettings, rollupHealth, scoreReading, scoreValue, type HealthSettings, type ReferenceRange } from '@pulse/scoring';
import { healthRecompute } from '@pulse/db';
import { RECOMPUTE_QUEUE, runRecomputeJob } from '../src/domain/recompute-jobs.js';
import { loadScoringContext } from '../src/domain/scoring-context.js';
import { startQueue } from '../src/queue.js';
import { anonymousCaller, callerFor, makeTenant, type TestTenant } from './harness.js';
import { expectTrpcError, uploadCsv, type Line } from './kpi-helpers.js';

/**
 * The SQL recompute (recompute.ts) against the TypeScript reference (@pulse/scoring):
 * every stored reading, category, overall and tier must be exactly what scoreReading and
 * rollupHealth give for the same readings, after range changes, resets and settings changes.
 */
const handle = useTestDatabase();

/** Deterministic pseudo-random numbers (a 32-bit LCG), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function range(higherIsBetter: boolean, scaleMin: number, a: number, b: number, scaleMax: number): ReferenceRange {
  const [riskThreshold, healthyThreshold] = higherIsBetter ? [a, b] : [b, a];
  return { kpiName: 'Test', category: 'Test', unit: 'count', higherIsBetter, scaleMin, riskThreshold, healthyThreshold, scaleMax };
}

describe('scoreValueSql', () => {
  it('gives the band and the exact score of scoreValue for boundaries, zero-width bands, both directions and odd fractions', async () => {
    // Shapes as (L, lower threshold, upper threshold, H); each is used higher- and lower-is-better.
    const shapes: [number, number, number, number][] = [
      [0, 71, 91, 100],
      [1, 3.1, 4.1, 5],
      [0, 10001, 50001, 999999],
      [0, 5, 5, 10], // risk band of width 0
      [0, 0, 5, 10], // critical band of width 0 (higher) / healthy width 0 (lower)
      [0, 5, 10, 10], // healthy band of width 0 (higher) / critical width 0 (lower)
      [-50, -10.3, 0.7, 12.9],
      [0.1, 0.2, 0.3, 0.7],
      [-1e12, -1e9, 1e9, 1e12],
    ];
    const next = random(13);
    const cases: { v: number; range: ReferenceRange }[] = [];
    for (const [L, lo, hi, H] of shapes) {
      for (const higher of [true, false]) {
        const r = range(higher, L, lo, hi, H);
        const points = [L, lo, hi, H, L - 1, H + 1, (lo + hi) / 2, (L + lo) / 3, (hi + H) / 3, lo + 1e-9, hi - 1e-9, lo - 1e-9, hi + 1e-9];
        for (let i = 0; i < 40; i++) points.push(L - (H - L) * 0.1 + next() * (H - L) * 1.2);
        for (const v of points) cases.push({ v, range: r });
      }
    }
    const { rows } = await sql<{ band: string; score: number }>`
      SELECT ${
        healthRecompute.scoreValueSql(sql`t.v`, {
          higherIsBetter: sql`t.higher`,
          scaleMin: sql`t.lo`,
          riskThreshold: sql`t.risk`,
          healthyThreshold: sql`t.healthy`,
          scaleMax: sql`t.hi`,
        }).band
      } AS band,
      ${
        healthRecompute.scoreValueSql(sql`t.v`, {
          higherIsBetter: sql`t.higher`,
          scaleMin: sql`t.lo`,
          riskThreshold: sql`t.risk`,
          healthyThreshold: sql`t.healthy`,
          scaleMax: sql`t.hi`,
        }).score
      } AS score
      FROM unnest(
        ${cases.map((c) => c.v)}::float8[], ${cases.map((c) => c.range.higherIsBetter)}::boolean[],
        ${cases.map((c) => c.range.scaleMin)}::float8[], ${cases.map((c) => c.range.riskThreshold)}::float8[],
        ${cases.map((c) => c.range.healthyThreshold)}::float8[], ${cases.map((c) => c.range.scaleMax)}::float8[]
      ) WITH ORDINALITY AS t(v, higher, lo, risk, healthy, hi, ord)
      ORDER BY t.ord`.execute(handle.db);
    expect(rows).toHaveLength(cases.length);
    expect(rows).toEqual(cases.map((c) => scoreValue(c.v, c.range)));
  });
});

/** Catalogue KPIs with a value generator each: every unit and both directions. */
const kpis: { kpi: string; category: string; value: (n: number) => string }[] = [
  { kpi: 'Customer Retention Rate', category: 'Product Usage', value: (n) => `${(n * 100).toFixed(1)}%` },
  { kpi: 'Product Activation Rate', category: 'Product Usage', value: (n) => `${Math.round(n * 100)}` },
  { kpi: 'Time to First Value (TTFV)', category: 'Product Usage', value: (n) => (n < 0.5 ? `${Math.round(n * 8)} weeks` : `${Math.round(n * 60)} days`) },
  { kpi: 'First Response Time', category: 'Support', value: (n) => (n < 0.3 ? `${Math.round(n * 600)} minutes` : `${(n * 12).toFixed(2)} hours`) },
  { kpi: 'Mean Time to Resolution (MTTR)', category: 'Support', value: (n) => `${(n * 40).toFixed(1)} hrs` },
  { kpi: 'Customer Support Satisfaction', category: 'Support', value: (n) => (1 + n * 4).toFixed(2) },
  { kpi: 'Escalation Rate', category: 'Support', value: (n) => `${(n * 40).toFixed(2)}%` },
  { kpi: 'Customer Complaints', category: 'Customer Sentiment', value: (n) => `${(n * 30).toFixed(1)}%` },
  { kpi: 'Customer Lifetime Value (CLV)', category: 'Business Outcomes', value: (n) => `$${(n * 90).toFixed(1)}K` },
  { kpi: 'Support Cost per Ticket', category: 'Business Outcomes', value: (n) => `$${Math.round(n * 120)}` },
  { kpi: 'Accounts Receivable Turnover', category: 'Business Outcomes', value: (n) => `${Math.round(n * 400)}` },
  { kpi: 'Churn Risk Flags Triggered', category: 'Relationship Strength', value: (n) => `${Math.round(n * 20)}` },
];

/**
 * 12 accounts × 2 periods × 12 KPIs with unparseable values, unit mismatches, an unknown KPI,
 * every impact (and none), category labels in another case, a catalogue KPI filed under a
 * category of its own, and product-level readings.
 */
function dataset(periods = ['2026-01', '2026-02']): { lines: Line[]; products: string[][] } {
  const next = random(7);
  const lines: Line[] = [];
  const products: string[][] = [];
  const impacts = ['High', 'Medium', 'Low', ''];
  for (let a = 1; a <= 12; a++) {
    for (const period of periods) {
      const account = `Account ${String(a).padStart(2, '0')}`;
      for (const { kpi, category, value } of kpis) {
        const roll = next();
        const raw = roll < 0.06 ? 'pending' : roll < 0.1 ? '20 hours' : value(next());
        const label = roll > 0.9 ? category.toLowerCase() : roll > 0.85 && kpi === 'Customer Support Satisfaction' ? 'Extra' : category;
        lines.push([account, period, label, kpi, raw, impacts[Math.floor(next() * impacts.length)] as string]);
        products.push([a % 3 === 0 && next() < 0.4 ? `Product ${a % 2}` : '']);
      }
      lines.push([account, period, 'extra', 'Coffee Consumption', '3 cups', 'High']);
      products.push(['']);
    }
  }
  return { lines, products };
}

let acme: TestTenant;
let other: TestTenant;

beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  other = await makeTenant(handle, 'Other');
  const { lines, products } = dataset();
  for (const tenant of [acme, other]) {
    const { report } = await uploadCsv(tenant.asAdmin, lines, {}, { header: ['product'], rows: products });
    expect(report.problems ?? [], JSON.stringify(report).slice(0, 600)).toEqual([]);
    expect(report.accounts).toHaveLength(12);
  }
});

/** Every stored reading, health and account row of the tenant equals the TypeScript reference. */
async function expectReference(tenantId: string): Promise<void> {
  const ctx = await loadScoringContext(handle.db, tenantId);
  const readings = await handle.db
    .selectFrom('kpi_readings')
    .select(['id', 'account_id', 'product_id', 'period', 'category', 'kpi_key', 'raw', 'impact', 'status', 'score', 'value', 'unit', 'warning'])
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .execute();
  expect(readings.length).toBeGreaterThan(300);
  const groups = new Map<string, typeof readings>();
  for (const r of readings) {
    const expected = scoreReading({ raw: r.raw }, ctx.ranges.get(r.kpi_key)?.range);
    expect({ status: r.status, score: r.score, value: r.value, unit: r.unit, warning: r.warning }).toEqual({
      status: expected.status,
      score: expected.score,
      value: expected.value,
      unit: expected.unit,
      warning: expected.warning?.message ?? null,
    });
    const key = `${r.account_id}|${r.product_id ?? ''}|${r.period}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const stored = await handle.db
    .selectFrom('account_health')
    .select(['account_id', 'product_id', 'period', 'overall', 'tier', 'coverage', 'scored_count', 'reading_count', 'categories'])
    .where('tenant_id', '=', tenantId)
    .execute();
  expect(stored).toHaveLength(groups.size);
  for (const h of stored) {
    const rollup = rollupHealth(groups.get(`${h.account_id}|${h.product_id ?? ''}|${h.period}`) ?? [], ctx.settings);
    expect(h).toEqual({
      account_id: h.account_id,
      product_id: h.product_id,
      period: h.period,
      overall: rollup.overall,
      tier: rollup.tier,
      coverage: rollup.coverage,
      scored_count: rollup.scoredCount,
      reading_count: rollup.readingCount,
      categories: rollup.categories,
    });
  }
  const accounts = await handle.db.selectFrom('accounts').select(['id', 'health_overall', 'health_tier']).where('tenant_id', '=', tenantId).execute();
  for (const a of accounts) {
    const latest = stored.filter((h) => h.account_id === a.id && h.product_id === null).sort((x, y) => (x.period < y.period ? 1 : -1))[0];
    expect({ overall: a.health_overall, tier: a.health_tier }).toEqual({ overall: latest?.overall ?? null, tier: latest?.tier ?? 'unknown' });
  }
}

async function tiers(tenantId: string): Promise<Map<string, string>> {
  const rows = await handle.db.selectFrom('accounts').select(['id', 'health_tier']).where('tenant_id', '=', tenantId).execute();
  return new Map(rows.map((r) => [r.id, r.health_tier]));
}

/** Runs a change and checks its reported tier changes against the account rows before and after. */
async function expectEffect(
  change: () => Promise<{ effect: { accountsRescored: number; tierChanges: number } | null }>,
  accountsRescored: number,
): Promise<number> {
  const before = await tiers(acme.tenant.id);
  const { effect } = await change();
  const after = await tiers(acme.tenant.id);
  const changed = [...after].filter(([id, tier]) => before.get(id) !== tier).length;
  expect(effect).toEqual({ accountsRescored, tierChanges: changed });
  await expectReference(acme.tenant.id);
  return changed;
}

describe('SQL recompute = TypeScript reference', () => {
  it('after uploads, range changes in both directions and units, zero-width bands and resets', async () => {
    await expectReference(acme.tenant.id);
    const otherBefore = await handle.db
      .selectFrom('account_health')
      .select(['id', 'overall', 'categories'])
      .where('tenant_id', '=', other.tenant.id)
      .orderBy('id')
      .execute();

    let tierChanges = 0;
    // Every account has scored CRR readings, so all 12 are rescored.
    tierChanges += await expectEffect(
      () =>
        acme.asAdmin.ranges.update({
          kpi: 'Customer Retention Rate',
          higherIsBetter: true,
          scaleMin: 0,
          riskThreshold: 85.5,
          healthyThreshold: 97.3,
          scaleMax: 100,
        }),
      12,
    );
    tierChanges += await expectEffect(
      () => acme.asAdmin.ranges.update({ kpi: 'First Response Time', higherIsBetter: false, scaleMin: 0, healthyThreshold: 3, riskThreshold: 3, scaleMax: 10 }),
      12,
    );
    tierChanges += await expectEffect(
      () =>
        acme.asAdmin.ranges.update({
          kpi: 'Customer Lifetime Value (CLV)',
          higherIsBetter: false,
          scaleMin: 0,
          healthyThreshold: 20000,
          riskThreshold: 60000,
          scaleMax: 60000,
        }),
      12,
    );
    tierChanges += await expectEffect(
      () =>
        acme.asAdmin.ranges.update({
          kpi: 'Time to First Value (TTFV)',
          higherIsBetter: true,
          scaleMin: 0,
          riskThreshold: 0,
          healthyThreshold: 14.5,
          scaleMax: 70,
        }),
      12,
    );
    tierChanges += await expectEffect(
      () =>
        acme.asAdmin.ranges.update({
          kpi: 'Customer Support Satisfaction',
          higherIsBetter: true,
          scaleMin: 1,
          riskThreshold: 2.2,
          healthyThreshold: 4.9,
          scaleMax: 5,
        }),
      12,
    );
    expect(tierChanges).toBeGreaterThan(0);
    await expectEffect(() => acme.asAdmin.ranges.reset({ kpi: 'First Response Time' }), 12);
    await expectEffect(() => acme.asAdmin.ranges.reset({ all: true }), 12);

    const otherAfter = await handle.db
      .selectFrom('account_health')
      .select(['id', 'overall', 'categories'])
      .where('tenant_id', '=', other.tenant.id)
      .orderBy('id')
      .execute();
    expect(otherAfter).toEqual(otherBefore);
  });

  it('after weight and tier changes: reordered, zero, removed and added categories, without touching a reading', async () => {
    await acme.asAdmin.ranges.update({ kpi: 'Escalation Rate', higherIsBetter: false, scaleMin: 0, healthyThreshold: 12.5, riskThreshold: 20, scaleMax: 40 });
    const readingsBefore = await sql<{ xmin: string }>`SELECT xmin::text FROM kpi_readings WHERE tenant_id = ${acme.tenant.id} ORDER BY id`.execute(handle.db);
    const change = (settings: HealthSettings) => () => acme.asAdmin.ranges.updateSettings(settings);

    await expectEffect(
      change({
        categoryWeights: { Support: 7.3, 'Product Usage': 11.1, 'Customer Sentiment': 0, 'Business Outcomes': 2.9, 'Relationship Strength': 1 },
        tiers: { healthy: 61.5, atRisk: 45.25 },
      }),
      12,
    );
    // Relationship Strength leaves the weights (its readings make it an unweighted category again),
    // the readings' own "extra" category gets a weight.
    await expectEffect(
      change({ categoryWeights: { 'Product Usage': 30, Support: 20, EXTRA: 10, 'Business Outcomes': 15 }, tiers: { healthy: 70, atRisk: 50 } }),
      12,
    );
    await expectEffect(change({ categoryWeights: { Support: 1 }, tiers: { healthy: 100, atRisk: 0 } }), 12);
    await expectEffect(change({ categoryWeights: { Nothing: 5 }, tiers: { healthy: 80, atRisk: 60 } }), 12);
    await expectEffect(change(defaultSettings), 12);

    const readingsAfter = await sql<{ xmin: string }>`SELECT xmin::text FROM kpi_readings WHERE tenant_id = ${acme.tenant.id} ORDER BY id`.execute(handle.db);
    expect(readingsAfter.rows).toEqual(readingsBefore.rows);
  });
});

describe('recompute as a job (a large tenant: the size threshold lowered to 0)', () => {
  const asJob = () => callerFor(handle.app, other.admin, other.tenant, '127.0.0.1', { recomputeJobThreshold: 0 });
  const crr = { kpi: 'Customer Retention Rate', higherIsBetter: true, scaleMin: 0, riskThreshold: 85.5, healthyThreshold: 97.3, scaleMax: 100 };
  const healths = (tenantId: string) =>
    handle.db.selectFrom('account_health').select(['id', 'overall', 'tier', 'categories']).where('tenant_id', '=', tenantId).orderBy('id').execute();
  const failing = () => Promise.reject(new Error('The database went away.'));

  it("commits the change at once, keeps the previous scores until the job works them, shows progress, then the inline path's effect", async () => {
    const inline = await acme.asAdmin.ranges.update(crr);
    expect(inline.queued).toBe(false);
    const scoresBefore = await healths(other.tenant.id);
    const tiersBefore = await tiers(other.tenant.id);

    const queued = await asJob().ranges.update(crr);
    expect(queued).toMatchObject({ kpiName: crr.kpi, riskThreshold: 85.5, source: 'tenant', effect: null, queued: true });
    expect((await asJob().ranges.list()).find((r) => r.kpiName === crr.kpi)).toMatchObject({ riskThreshold: 85.5, source: 'tenant' });
    expect(await healths(other.tenant.id)).toEqual(scoresBefore);
    expect(await asJob().recompute.status()).toMatchObject({ current: { status: 'queued', accountsDone: 0 }, last: null });

    const progress: [string, string, number, number][] = [];
    await runRecomputeJob(
      handle.app,
      { tenantId: other.tenant.id },
      { last: true },
      {
        batchAccounts: 5,
        afterBatch: async () => {
          const { current } = await other.asMember.recompute.status();
          progress.push([current?.status ?? 'none', current?.phase ?? 'none', current?.accountsDone ?? -1, current?.accountsTotal ?? -1]);
        },
      },
    );
    // 12 accounts in batches of 5: 5, 10, then 12 done, for their current health, then for their history.
    expect(progress).toEqual([
      ['running', 'current', 5, 12],
      ['running', 'current', 10, 12],
      ['running', 'current', 12, 12],
      ['running', 'history', 5, 12],
      ['running', 'history', 10, 12],
      ['running', 'history', 12, 12],
    ]);
    const { current, last } = await asJob().recompute.status();
    expect(current).toBeNull();
    expect(last).toMatchObject({ status: 'completed', accountsTotal: 12, accountsDone: 12, error: null });
    // The same data and the same change as acme's inline one: the same numbers.
    expect(last?.effect).toEqual(inline.effect);
    const tiersAfter = await tiers(other.tenant.id);
    expect(last?.effect.tierChanges).toBe([...tiersAfter].filter(([id, tier]) => tiersBefore.get(id) !== tier).length);
    await expectReference(other.tenant.id);
  });

  it("first brings every account's current health (its newest two periods) to the new scores and tiers, then its older months", async () => {
    // Two older months for both tenants: 4 periods an account, of which 2026-01 and 2026-02 are current.
    const older = dataset(['2025-11', '2025-12']);
    for (const tenant of [acme, other]) await uploadCsv(tenant.asAdmin, older.lines, {}, { header: ['product'], rows: older.products });
    const byName = async (tenantId: string) => {
      const rows = await handle.db
        .selectFrom('account_health as h')
        .innerJoin('accounts as a', (j) => j.onRef('a.tenant_id', '=', 'h.tenant_id').onRef('a.id', '=', 'h.account_id'))
        .leftJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 'h.tenant_id').onRef('p.id', '=', 'h.product_id'))
        .select(['a.name', 'p.name as product', 'h.period', 'h.overall', 'h.tier', 'h.categories'])
        .where('h.tenant_id', '=', tenantId)
        .execute();
      // Sums run in reading-id order, and an unweighted category is named after its first reading: reading ids differ
      // between the two tenants, so numbers agree to 12 digits (not to the last bit) and names but for their case.
      const rounded = (h: object) =>
        JSON.parse(
          JSON.stringify(h, (key, v: unknown) =>
            typeof v === 'number' ? Number(v.toPrecision(12)) : key === 'category' && typeof v === 'string' ? v.toLowerCase() : v,
          ),
        ) as object;
      return new Map(rows.map((r) => [`${r.name}|${r.product ?? ''}|${r.period}`, rounded({ overall: r.overall, tier: r.tier, categories: r.categories })]));
    };
    const before = await byName(other.tenant.id);
    const inline = await acme.asAdmin.ranges.update(crr);
    const reference = await byName(acme.tenant.id);
    const changedOlder = [...reference].filter(([key, h]) => key.endsWith('2025-11') && JSON.stringify(h) !== JSON.stringify(before.get(key)));
    expect(changedOlder.length).toBeGreaterThan(0);

    await asJob().ranges.update(crr);
    // The attempt stops after the first batch of the history phase (accounts 1-5 by id).
    await expect(
      runRecomputeJob(
        handle.app,
        { tenantId: other.tenant.id },
        { last: false },
        { batchAccounts: 5, afterBatch: (run) => (run.phase === 'history' ? failing() : Promise.resolve()) },
      ),
    ).rejects.toThrow('The database went away.');
    const { current } = await asJob().recompute.status();
    expect(current).toMatchObject({
      status: 'running',
      phase: 'history',
      accountsDone: 5,
      accountsTotal: 12,
      effect: { tierChanges: inline.effect?.tierChanges },
    });
    expect(current?.currentDoneAt).toBeInstanceOf(Date);
    const midway = await byName(other.tenant.id);
    const ids = await handle.db.selectFrom('accounts').select(['name']).where('tenant_id', '=', other.tenant.id).orderBy('id').execute();
    const historyDone = new Set(ids.slice(0, 5).map((a) => a.name));
    for (const [key, health] of midway) {
      const [name = '', , period = ''] = key.split('|');
      const current = period >= '2026-01' || historyDone.has(name);
      expect(health, key).toEqual(current ? reference.get(key) : before.get(key));
    }
    // Every account row already shows its newest health's new tier.
    const accountRows = await handle.db.selectFrom('accounts').select(['name', 'health_tier']).where('tenant_id', '=', other.tenant.id).execute();
    expect(accountRows).toHaveLength(12);
    for (const a of accountRows) expect(a.health_tier, a.name).toBe((reference.get(`${a.name}||2026-02`) as { tier: string } | undefined)?.tier);

    await runRecomputeJob(handle.app, { tenantId: other.tenant.id }, { last: true }, { batchAccounts: 5 });
    expect((await asJob().recompute.status()).last).toMatchObject({ status: 'completed', phase: 'history', effect: inline.effect });
    expect(await byName(other.tenant.id)).toEqual(reference);
    await expectReference(other.tenant.id);
  });

  it('merges changes made while a run waits into that run, with one job per tenant', async () => {
    const tiersBefore = await tiers(other.tenant.id);
    const first = await asJob().ranges.update(crr);
    const second = await asJob().ranges.updateSettings({
      categoryWeights: { Support: 7.3, 'Product Usage': 11.1, 'Relationship Strength': 1 },
      tiers: { healthy: 61.5, atRisk: 45.25 },
    });
    const third = await asJob().ranges.reset({ kpi: 'Customer Retention Rate' });
    expect([first.queued, second.queued, third.queued]).toEqual([true, true, true]);
    const runs = await handle.db.selectFrom('recompute_runs').select(['status', 'kpi_keys', 'recombine']).where('tenant_id', '=', other.tenant.id).execute();
    expect(runs).toEqual([{ status: 'queued', kpi_keys: ['customer retention rate'], recombine: true }]);
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${RECOMPUTE_QUEUE} AND singleton_key = ${other.tenant.id}`.execute(handle.db);
    expect(rows[0]?.n).toBe(1);

    await runRecomputeJob(handle.app, { tenantId: other.tenant.id }, { last: true }, { batchAccounts: 5 });
    const { last } = await asJob().recompute.status();
    const tiersAfter = await tiers(other.tenant.id);
    // The weights change recombines every health of the 12 accounts.
    expect(last?.effect).toEqual({ accountsRescored: 12, tierChanges: [...tiersAfter].filter(([id, tier]) => tiersBefore.get(id) !== tier).length });
    await expectReference(other.tenant.id);
  });

  it('a failing attempt is retried by the queue and goes on after the batches it committed', async () => {
    await sql`UPDATE pgboss.queue SET retry_delay = 1 WHERE name = ${RECOMPUTE_QUEUE}`.execute(handle.db);
    const inline = await acme.asAdmin.ranges.update(crr);
    const queue = await startQueue({
      db: handle.app,
      jobs: [],
      pollingIntervalSeconds: 0.5,
      workers: [
        {
          name: RECOMPUTE_QUEUE,
          work: (db, data, attempt) =>
            runRecomputeJob(db, data, attempt, {
              batchAccounts: 5,
              afterBatch: (run) => (attempt.number === 1 && run.accountsDone === 5 ? failing() : Promise.resolve()),
            }),
        },
      ],
    });
    try {
      await asJob().ranges.update(crr);
      const deadline = Date.now() + 60_000;
      while ((await asJob().recompute.status()).last === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await queue.stop();
    }
    const { last } = await asJob().recompute.status();
    expect(last).toMatchObject({ status: 'completed', accountsDone: 12, error: null, effect: inline.effect });
    const run = await handle.db.selectFrom('recompute_runs').select(['attempts']).where('tenant_id', '=', other.tenant.id).executeTakeFirstOrThrow();
    expect(run.attempts).toBe(2);
    await expectReference(other.tenant.id);
  });

  it('marks the run failed after its last attempt; only the tenant reads it, and signed-out callers are refused', async () => {
    await asJob().ranges.update(crr);
    await expect(runRecomputeJob(handle.app, { tenantId: other.tenant.id }, { last: true }, { batchAccounts: 5, afterBatch: failing })).rejects.toThrow(
      'The database went away.',
    );
    expect(await other.asMember.recompute.status()).toMatchObject({
      current: null,
      last: { status: 'failed', accountsDone: 5, error: 'The database went away.' },
    });
    expect(await acme.asAdmin.recompute.status()).toEqual({ current: null, last: null });
    await expectTrpcError(anonymousCaller(handle.app).recompute.status(), 'UNAUTHORIZED');
  });
});
