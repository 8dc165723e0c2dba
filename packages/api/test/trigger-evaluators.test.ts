import { describe, expect, it } from 'vitest';
import type { TriggerAccountState, TriggerRule } from '@pulse/db';
import type { HealthSettings, ReferenceRange } from '@pulse/scoring';
import {
  accountsFiring,
  evaluateTrigger,
  evaluateTriggers,
  kpiKeysOf,
  type EvaluatedTrigger,
  type EvaluationContext,
} from '../src/domain/trigger-evaluators.js';

/** The evaluators are pure: plain data in, findings out; no database anywhere in this file. */

const settings: HealthSettings = { categoryWeights: { Support: 100 }, tiers: { healthy: 70, atRisk: 40 } };
const activation: ReferenceRange = {
  kpiName: 'Activation Rate',
  category: 'Product',
  unit: '%',
  higherIsBetter: true,
  scaleMin: 0,
  riskThreshold: 50,
  healthyThreshold: 80,
  scaleMax: 100,
};
const strict: HealthSettings = { categoryWeights: { Support: 100 }, tiers: { healthy: 85, atRisk: 60 } };
const ctx: EvaluationContext = {
  settings: { settings, segments: new Map([['seg-strict', { id: 'seg-strict', name: 'Strict', settings: strict }]]) },
  ranges: new Map([['activation rate', { range: activation, source: 'tenant' }]]),
  today: new Date('2026-12-02T15:30:00Z'),
};

function account(overrides: Partial<TriggerAccountState> = {}): TriggerAccountState {
  return {
    id: 'a1',
    overall: 60,
    tier: 'at_risk',
    period: '2026-11',
    renewalDate: null,
    previousPeriod: '2026-10',
    previousOverall: 60,
    segmentId: null,
    kpis: new Map(),
    ...overrides,
  };
}

describe('health_tier', () => {
  const rule: TriggerRule = { kind: 'health_tier', params: { tiers: ['critical', 'at_risk'] } };

  it('fires for a listed tier, as deep as the score is below the next tier up', () => {
    expect(evaluateTrigger(rule, account({ overall: 25, tier: 'critical' }), ctx)).toMatchObject({
      observed: 'critical',
      threshold: 'critical, at_risk',
      margin: 40 - 25,
      severity: 10 + (100 * (40 - 25)) / 100,
    });
    expect(evaluateTrigger(rule, account({ overall: 55, tier: 'at_risk' }), ctx)).toMatchObject({ margin: 70 - 55, severity: 10 + (100 * (70 - 55)) / 100 });
  });

  it("measures the depth against the thresholds of the account's segment", () => {
    expect(evaluateTrigger(rule, account({ overall: 55, tier: 'critical', segmentId: 'seg-strict' }), ctx)).toMatchObject({
      margin: 60 - 55,
      severity: 10 + (100 * (60 - 55)) / 100,
    });
  });

  it('does not fire for a tier not listed', () => {
    expect(evaluateTrigger(rule, account({ overall: 70, tier: 'healthy' }), ctx)).toBeNull();
    expect(evaluateTrigger(rule, account({ overall: null, tier: 'unknown' }), ctx)).toBeNull();
  });
});

describe('health_score', () => {
  const below = { kind: 'health_score', params: { comparison: 'below', value: 50 } } as const;
  const above = { kind: 'health_score', params: { comparison: 'above', value: 50 } } as const;

  it('fires strictly past the value, by the difference', () => {
    expect(evaluateTrigger(below, account({ overall: 49.9 }), ctx)).toMatchObject({ observed: 49.9, margin: 0.1, severity: 10 + (100 * 0.1) / 100 });
    expect(evaluateTrigger(above, account({ overall: 62 }), ctx)).toMatchObject({ margin: 62 - 50, severity: 10 + (100 * (62 - 50)) / 100 });
  });

  it('does not fire at the value itself, on the other side, or without a score', () => {
    expect(evaluateTrigger(below, account({ overall: 50 }), ctx)).toBeNull();
    expect(evaluateTrigger(above, account({ overall: 50 }), ctx)).toBeNull();
    expect(evaluateTrigger(below, account({ overall: 50.1 }), ctx)).toBeNull();
    expect(evaluateTrigger(below, account({ overall: null, tier: 'unknown' }), ctx)).toBeNull();
  });
});

describe('health_drop', () => {
  const rule = { kind: 'health_drop', params: { points: 10 } } as const;

  it('fires when health fell by at least the points since the previous period', () => {
    expect(evaluateTrigger(rule, account({ previousOverall: 70, overall: 60 }), ctx)).toMatchObject({ observed: 70 - 60, margin: 0, severity: 10 });
    expect(evaluateTrigger(rule, account({ previousOverall: 80, overall: 55 }), ctx)).toMatchObject({
      observed: 80 - 55,
      margin: 80 - 55 - 10,
      severity: 10 + (100 * (80 - 55 - 10)) / 100,
    });
  });

  it('does not fire for a smaller drop, a rise, or without a previous period', () => {
    expect(evaluateTrigger(rule, account({ previousOverall: 70, overall: 60.1 }), ctx)).toBeNull();
    expect(evaluateTrigger(rule, account({ previousOverall: 50, overall: 65 }), ctx)).toBeNull();
    expect(evaluateTrigger(rule, account({ previousOverall: null, previousPeriod: null, overall: 20 }), ctx)).toBeNull();
  });
});

describe('kpi_threshold', () => {
  const below = { kind: 'kpi_threshold', params: { kpi: 'Activation Rate', comparison: 'below', value: 70 } } as const;
  const above = { kind: 'kpi_threshold', params: { kpi: 'Activation Rate', comparison: 'above', value: 70 } } as const;
  const readings = (...values: number[]) => account({ kpis: new Map([['activation rate', values]]) });

  it('fires on the worst product reading, scaled by the range between its risk and healthy thresholds', () => {
    // Worst of 75 and 69 below 70: 1 point past, on a scale of |80 − 50| = 30.
    expect(evaluateTrigger(below, readings(75, 69), ctx)).toMatchObject({
      observed: 69,
      threshold: 70,
      margin: 70 - 69,
      unit: '%',
      severity: Math.round((10 + (100 * (70 - 69)) / (80 - 50)) * 10) / 10,
    });
    expect(evaluateTrigger(above, readings(65, 76), ctx)).toMatchObject({ observed: 76, margin: 76 - 70 });
  });

  it('does not fire at the threshold, on the other side, or without readings', () => {
    expect(evaluateTrigger(below, readings(70), ctx)).toBeNull();
    expect(evaluateTrigger(above, readings(70), ctx)).toBeNull();
    expect(evaluateTrigger(below, readings(71, 90), ctx)).toBeNull();
    expect(evaluateTrigger(below, account(), ctx)).toBeNull();
  });

  it('reads only the KPIs kpi_threshold rules name', () => {
    expect(kpiKeysOf([below, above, { kind: 'renewal_within', params: { days: 30 } }])).toEqual(['activation rate']);
  });
});

describe('renewal_within', () => {
  const rule = { kind: 'renewal_within', params: { days: 90 } } as const;

  it('fires from the renewal day back to the first day of the window', () => {
    // 2026-12-02 + 90 days = 2027-03-02 (29 days left in December + 31 + 28 + 2).
    expect(evaluateTrigger(rule, account({ renewalDate: '2027-03-02' }), ctx)).toMatchObject({ observed: 90, margin: 0, severity: 10 });
    expect(evaluateTrigger(rule, account({ renewalDate: '2026-12-02' }), ctx)).toMatchObject({
      observed: 0,
      margin: 90,
      severity: 10 + Math.min(90, (100 * 90) / 90),
    });
  });

  it('does not fire a day outside the window, after the renewal, or without a date', () => {
    expect(evaluateTrigger(rule, account({ renewalDate: '2027-03-03' }), ctx)).toBeNull();
    expect(evaluateTrigger(rule, account({ renewalDate: '2026-12-01' }), ctx)).toBeNull();
    expect(evaluateTrigger(rule, account({ renewalDate: null }), ctx)).toBeNull();
  });
});

describe('evaluateTriggers', () => {
  const triggers: EvaluatedTrigger[] = [
    { id: 't-score', playbookKey: 'renewal_safeguard', createTask: false, kind: 'health_score', params: { comparison: 'below', value: 50 } },
    { id: 't-renewal', playbookKey: 'renewal_safeguard', createTask: true, kind: 'renewal_within', params: { days: 90 } },
    { id: 't-tier', playbookKey: 'expansion_timing', createTask: false, kind: 'health_tier', params: { tiers: ['healthy'] } },
  ];
  const accounts = [
    account({ id: 'both', overall: 45, renewalDate: '2026-12-12' }),
    account({ id: 'healthy', overall: 80, tier: 'healthy' }),
    account({ id: 'none', overall: 60 }),
  ];

  it('makes one recommendation per account and playbook, urgency the sum of severities, led by the most severe reason', () => {
    const result = evaluateTriggers(triggers, accounts, ctx);
    const scoreSeverity = 10 + (100 * (50 - 45)) / 100;
    const renewalSeverity = 10 + (100 * (90 - 10)) / 90;
    expect(result.recommendations).toHaveLength(2);
    const both = result.recommendations.find((r) => r.accountId === 'both');
    expect(both?.playbookKey).toBe('renewal_safeguard');
    expect(both?.triggerId).toBe('t-renewal');
    expect(both?.reasons.map((r) => r.triggerId)).toEqual(['t-renewal', 't-score']);
    expect(both?.urgency).toBe(Math.round((scoreSeverity + Math.round(renewalSeverity * 10) / 10) * 10) / 10);
    expect(result.recommendations.find((r) => r.accountId === 'healthy')).toMatchObject({
      playbookKey: 'expansion_timing',
      urgency: 10 + (100 * (80 - 70)) / 100,
    });
    expect(result.taskRequests).toEqual([{ triggerId: 't-renewal', accountId: 'both', playbookKey: 'renewal_safeguard' }]);
  });

  it('counts, per trigger, exactly the accounts a preview of that trigger counts', () => {
    const { fired } = evaluateTriggers(triggers, accounts, ctx);
    for (const t of triggers) {
      expect(fired.find((f) => f.triggerId === t.id)?.accounts ?? 0).toBe(accountsFiring(t, accounts, ctx).length);
    }
  });
});
