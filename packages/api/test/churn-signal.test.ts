import { beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDatabase } from '@pulse/db/testing';
import { defaultSettings, tierFor } from '@pulse/scoring';
import { anonymousCaller, makeTenant, type TestTenant } from './harness.js';
import { expectTrpcError } from './kpi-helpers.js';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
});

const RENEWAL = '2026-06-15';
/** Three months before RENEWAL: the month whose stored health the 3-month report reads. */
const THREE_BEFORE = '2026-03';
/** The tenant's tiers in these tests: healthy from 70, at risk from 40, critical below. */
const TIERS = { healthy: 70, atRisk: 40 };
const AT_RISK = TIERS.atRisk;

type Outcome = 'renewed' | 'expanded' | 'contracted' | 'churned';
/** overall/support/adoption: stored scores in THREE_BEFORE; overall undefined: no health stored that month. */
interface Case {
  outcome: Outcome;
  overall?: number | null;
  support?: number;
  adoption?: number;
}

const churned = (overall: number | null | undefined, support: number, adoption: number): Case => ({ outcome: 'churned', overall, support, adoption });
const kept = (outcome: Outcome, overall: number, support: number, adoption: number): Case => ({ outcome, overall, support, adoption });

/** 24 outcomes: 8 critical (6 churned), 6 at risk (2 churned), 8 healthy (1 churned), one without health, one unscored. */
const CASES: Case[] = [
  churned(20, 15, 60),
  churned(25, 20, 30),
  churned(30, 35, 75),
  churned(35, 30, 20),
  churned(10, 5, 80),
  churned(38, 39, 50),
  kept('renewed', 30, 50, 20),
  kept('contracted', 22, 10, 90),
  churned(50, 45, 70),
  churned(60, 80, 35),
  kept('renewed', 45, 60, 30),
  kept('renewed', 55, 30, 65),
  kept('contracted', 62, 70, 50),
  kept('expanded', 68, 65, 68),
  churned(85, 90, 25),
  kept('renewed', 75, 80, 75),
  kept('renewed', 80, 70, 90),
  kept('renewed', 90, 95, 85),
  kept('expanded', 95, 99, 92),
  kept('renewed', 72, 60, 85),
  kept('renewed', 88, 35, 88),
  kept('renewed', 78, 75, 70),
  churned(undefined, 0, 0),
  { outcome: 'renewed', overall: null },
];

async function record(caller: TestTenant, cases: Case[]): Promise<void> {
  await caller.asAdmin.ranges.updateSettings({ categoryWeights: defaultSettings.categoryWeights, tiers: TIERS });
  for (const [i, c] of cases.entries()) {
    const account = await caller.asAdmin.accounts.create({ name: `Account ${i}`, renewalDate: RENEWAL });
    if (c.overall !== undefined) {
      const categories =
        c.overall === null
          ? []
          : [
              { category: 'Support', score: c.support, weight: 50, scoredCount: 1, readingCount: 1, counted: true },
              { category: 'Adoption', score: c.adoption, weight: 50, scoredCount: 1, readingCount: 1, counted: true },
            ];
      await handle.db
        .insertInto('account_health')
        .values({
          tenant_id: caller.tenant.id,
          account_id: account.id,
          product_id: null,
          period: THREE_BEFORE,
          overall: c.overall,
          tier: tierFor(c.overall, TIERS),
          coverage: c.overall === null ? null : 1,
          scored_count: categories.length,
          reading_count: Math.max(1, categories.length),
          categories: JSON.stringify(categories),
        })
        .execute();
    }
    await caller.asAdmin.renewals.recordOutcome({
      accountId: account.id,
      outcome: c.outcome,
      amount: c.outcome === 'renewed' || c.outcome === 'churned' ? null : 1000,
      reason: c.outcome === 'churned' ? 'Budget cut' : null,
    });
  }
}

/** The hand computation over CASES: recall = critical∧churned ÷ churned, precision = critical∧churned ÷ critical (scored outcomes only). */
function byHand(critical: (c: Case) => boolean) {
  const scored = CASES.filter((c) => typeof c.overall === 'number');
  const churnedN = scored.filter((c) => c.outcome === 'churned').length;
  const criticalN = scored.filter(critical).length;
  const both = scored.filter((c) => critical(c) && c.outcome === 'churned').length;
  return { critical: criticalN, churned: churnedN, criticalChurned: both, recall: both / churnedN, precision: both / criticalN };
}

describe('reports.churnSignal', () => {
  it('pairs each outcome with the health three months before its renewal and scores "critical" as a churn warning', async () => {
    await record(acme, CASES);
    const report = await acme.asMember.reports.churnSignal({ monthsBefore: 3 });

    // 24 outcomes; one had no health in 2026-03 and one had health without a score: 22 scored, 9 of them churned.
    expect(report.outcomes).toEqual({ total: 24, scored: 22, churned: 9, retained: 13, withoutScore: 2 });
    expect(report.needed).toBeNull();
    // Critical: overall < 40 (8 outcomes, 6 churned); at risk: 40 ≤ overall < 70 (6, 2 churned); healthy: the other 8 (1 churned).
    expect(report.tiers.map((t) => [t.tier, t.churned, t.retained, t.churnRate])).toEqual([
      ['healthy', 1, 7, 1 / 8],
      ['at_risk', 2, 4, 2 / 6],
      ['critical', 6, 2, 6 / 8],
    ]);
    // Critical as a warning: recall = 6 churned critical ÷ 9 churned; precision = 6 ÷ 8 critical.
    expect(report.account).toEqual({ critical: 8, churned: 9, criticalChurned: 6, recall: 6 / 9, precision: 6 / 8 });
    expect(report.account).toEqual(byHand((c) => (c.overall as number) < AT_RISK));
    // Mean scores: churned (20+25+30+35+10+38+50+60+85) ÷ 9; retained is the mean of the 13 others.
    expect(report.meanScore.churned).toBeCloseTo((20 + 25 + 30 + 35 + 10 + 38 + 50 + 60 + 85) / 9, 9);
    const retainedScores = CASES.filter((c) => typeof c.overall === 'number' && c.outcome !== 'churned').map((c) => c.overall as number);
    expect(report.meanScore.retained).toBeCloseTo(retainedScores.reduce((a, b) => a + b, 0) / retainedScores.length, 9);

    // Per category: critical when the category score is below the at-risk threshold (40).
    const support = report.categories.find((c) => c.category === 'Support');
    const adoption = report.categories.find((c) => c.category === 'Adoption');
    expect(support).toEqual({ category: 'Support', scored: 22, ...byHand((c) => (c.support as number) < AT_RISK) });
    expect(adoption).toEqual({ category: 'Adoption', scored: 22, ...byHand((c) => (c.adoption as number) < AT_RISK) });
    // Support: scores < 40 are 15, 20, 35, 30, 5, 39 (churned) and 10, 30, 35 (retained): recall 6/9, precision 6/9.
    expect(support).toMatchObject({ recall: 6 / 9, precision: 6 / 9 });

    // A hand SQL query over the same outcomes gives the same account-level counts.
    const { rows } = await sql<{ critical: number; churned: number; critical_churned: number }>`
      SELECT count(*) FILTER (WHERE h.tier = 'critical')::int AS critical,
             count(*) FILTER (WHERE o.outcome = 'churned')::int AS churned,
             count(*) FILTER (WHERE h.tier = 'critical' AND o.outcome = 'churned')::int AS critical_churned
      FROM renewal_outcomes o
      JOIN account_health h ON h.account_id = o.account_id AND h.period = '2026-03' AND h.product_id IS NULL
      WHERE o.tenant_id = ${acme.tenant.id} AND h.overall IS NOT NULL
    `.execute(handle.db);
    expect(rows[0]).toEqual({ critical: report.account.critical, churned: report.account.churned, critical_churned: report.account.criticalChurned });

    // The CSV has the same numbers.
    const { filename, csv } = await acme.asMember.reports.churnSignalCsv({ monthsBefore: 3 });
    expect(filename).toMatch(/^churn-signal-3-months-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('measure,name,scored_outcomes,churned,retained,critical,critical_churned,churn_rate,recall,precision,mean_score');
    expect(lines).toContain(`critical_warning,account score,22,9,13,8,6,,${6 / 9},${6 / 8},`);
    expect(lines).toHaveLength(1 + 3 + 1 + 2);

    // Another tenant sees none of these outcomes.
    expect((await globex.asAdmin.reports.churnSignal({ monthsBefore: 3 })).outcomes.total).toBe(0);
  });

  it('says how many more outcomes it needs instead of giving rates', async () => {
    await record(acme, CASES.slice(0, 9));
    // 9 scored outcomes (7 churned, 2 retained): 20 − 9 = 11 more, of them 5 − 2 = 3 more retained.
    const three = await acme.asAdmin.reports.churnSignal({ monthsBefore: 3 });
    expect(three.needed).toEqual({ outcomes: 11, churned: 0, retained: 3 });
    expect(three.account).toEqual({ critical: 8, churned: 7, criticalChurned: 6, recall: null, precision: null });
    expect(three.tiers.every((t) => t.churnRate === null)).toBe(true);
    // One month before the renewal (2026-05) no health is stored: nothing is scored.
    const one = await acme.asAdmin.reports.churnSignal({ monthsBefore: 1 });
    expect(one.outcomes).toEqual({ total: 9, scored: 0, churned: 0, retained: 0, withoutScore: 9 });
    expect(one.needed).toEqual({ outcomes: 20, churned: 5, retained: 5 });
  });

  it('refuses other horizons, extra fields and callers without a session', async () => {
    await expectTrpcError(acme.asAdmin.reports.churnSignal({ monthsBefore: 2 as 1 }), 'BAD_REQUEST', /Choose 1, 3 or 6 months\./);
    await expectTrpcError(
      acme.asAdmin.reports.churnSignal({ monthsBefore: 3, tenantId: globex.tenant.id } as never),
      'BAD_REQUEST',
      /does not know the field tenantId/,
    );
    await expectTrpcError(anonymousCaller(handle.app).reports.churnSignal({ monthsBefore: 3 }), 'UNAUTHORIZED');
    await expectTrpcError(anonymousCaller(handle.app).reports.churnSignalCsv({ monthsBefore: 3 }), 'UNAUTHORIZED');
  });
});
