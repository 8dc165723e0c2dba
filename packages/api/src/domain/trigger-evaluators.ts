import { kpiKey } from '@pulse/scoring';
import type { RecommendationReason, TriggerAccountState, TriggerKind, TriggerParams, TriggerRule } from '@pulse/db';
import { settingsFor, type EffectiveRange, type TenantSettings } from './scoring-context.js';

/**
 * The trigger evaluators: given an account's health (current and previous period), its KPI
 * readings in its latest period, the tenant's settings and ranges as plain data, say whether
 * a trigger fires and why. No database access: evaluatePlaybooks and previewTrigger both
 * load the same data and run it through these functions, so a preview and a real
 * evaluation can never disagree.
 */

export type Reason = RecommendationReason;

export interface EvaluationContext {
  settings: TenantSettings;
  ranges: Map<string, EffectiveRange>;
  today: Date;
}

export type Finding = Omit<Reason, 'triggerId' | 'kind' | 'trigger'>;

/** A stored trigger: its rule, the playbook it recommends, and whether firing creates a task. */
export type EvaluatedTrigger = TriggerRule & { id: string; playbookKey: string; createTask: boolean };

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const severity = (margin: number, scale: number): number => round(10 + Math.min(90, (100 * Math.max(0, margin)) / (scale > 0 ? scale : 1)));
const tierLabel = (tier: string): string => tier.replace('_', ' ');
const num = (n: number): string => String(round(n));

/** A difference in the KPI's unit; percentages differ by points. */
const formatMargin = (margin: number, unit: string | null): string => (unit === '%' ? `${round(margin, 2)} points` : formatValue(margin, unit));

function formatValue(value: number, unit: string | null): string {
  const v = String(round(value, 2));
  switch (unit) {
    case '%':
      return `${v}%`;
    case '$':
      return `$${v}`;
    case 'hours':
    case 'days':
      return `${v} ${unit}`;
    default:
      return v;
  }
}

function crossed(value: number, comparison: 'below' | 'above', threshold: number): number | null {
  if (comparison === 'below') return value < threshold ? threshold - value : null;
  return value > threshold ? value - threshold : null;
}

const DAY_MS = 86_400_000;

export function describeTrigger(t: TriggerRule): string {
  switch (t.kind) {
    case 'health_tier':
      return `Health tier is ${t.params.tiers.map((tier) => tier.replace('_', ' ')).join(' or ')}`;
    case 'health_score':
      return `Health score is ${t.params.comparison} ${num(t.params.value)}`;
    case 'health_drop':
      return `Health fell by at least ${num(t.params.points)} points since the previous period`;
    case 'kpi_threshold':
      return `${t.params.kpi} is ${t.params.comparison} ${num(t.params.value)}`;
    case 'renewal_within':
      return `Renewal is within ${t.params.days} days`;
  }
}

const evaluators: { [K in TriggerKind]: (a: TriggerAccountState, p: TriggerParams<K>, ctx: EvaluationContext) => Finding | null } = {
  health_tier(a, p, ctx) {
    if (!p.tiers.includes(a.tier)) return null;
    const { healthy, atRisk } = settingsFor(ctx.settings, a.segmentId).tiers;
    const depth =
      a.overall === null
        ? 0
        : a.tier === 'critical'
          ? atRisk - a.overall
          : a.tier === 'at_risk'
            ? healthy - a.overall
            : a.tier === 'healthy'
              ? a.overall - healthy
              : 0;
    const score = a.overall === null ? 'no score' : `score ${round(a.overall)}`;
    return {
      message: `Health tier is ${tierLabel(a.tier)} (${score}).`,
      observed: a.tier,
      threshold: p.tiers.join(', '),
      margin: round(Math.max(0, depth)),
      unit: 'points',
      severity: severity(depth, 100),
    };
  },
  health_score(a, p) {
    if (a.overall === null) return null;
    const margin = crossed(a.overall, p.comparison, p.value);
    if (margin === null) return null;
    return {
      message: `Health ${round(a.overall)} is ${p.comparison} ${round(p.value)} by ${round(margin)} points.`,
      observed: round(a.overall),
      threshold: p.value,
      margin: round(margin),
      unit: 'points',
      severity: severity(margin, 100),
    };
  },
  health_drop(a, p) {
    if (a.overall === null || a.previousOverall === null) return null;
    const drop = a.previousOverall - a.overall;
    if (drop < p.points) return null;
    return {
      message: `Health fell ${round(drop)} points, from ${round(a.previousOverall)} in ${a.previousPeriod} to ${round(a.overall)} in ${a.period} (trigger: ${round(p.points)}).`,
      observed: round(drop),
      threshold: p.points,
      margin: round(drop - p.points),
      unit: 'points',
      severity: severity(drop - p.points, 100),
    };
  },
  kpi_threshold(a, p, ctx) {
    const values = a.kpis.get(kpiKey(p.kpi));
    if (!values?.length) return null;
    const worst = p.comparison === 'below' ? Math.min(...values) : Math.max(...values);
    const margin = crossed(worst, p.comparison, p.value);
    if (margin === null) return null;
    const range = ctx.ranges.get(kpiKey(p.kpi))?.range;
    const unit = range?.unit ?? null;
    const scale = range ? Math.abs(range.healthyThreshold - range.riskThreshold) : Math.abs(p.value);
    return {
      message: `${p.kpi} is ${formatValue(worst, unit)} in ${a.period}, ${p.comparison} ${formatValue(p.value, unit)} by ${formatMargin(margin, unit)}.`,
      observed: worst,
      threshold: p.value,
      margin: round(margin, 2),
      unit,
      severity: severity(margin, scale),
    };
  },
  renewal_within(a, p, ctx) {
    if (!a.renewalDate) return null;
    const today = Date.UTC(ctx.today.getUTCFullYear(), ctx.today.getUTCMonth(), ctx.today.getUTCDate());
    const daysLeft = Math.round((Date.parse(`${a.renewalDate}T00:00:00Z`) - today) / DAY_MS);
    if (daysLeft < 0 || daysLeft > p.days) return null;
    return {
      message: `Renews on ${a.renewalDate}, in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (window: ${p.days} days).`,
      observed: daysLeft,
      threshold: p.days,
      margin: p.days - daysLeft,
      unit: 'days',
      severity: severity(p.days - daysLeft, p.days),
    };
  },
};

/** Whether one rule fires for one account, and why; null when it does not. */
export function evaluateTrigger(rule: TriggerRule, account: TriggerAccountState, ctx: EvaluationContext): Finding | null {
  const fn = evaluators[rule.kind] as (a: TriggerAccountState, p: typeof rule.params, ctx: EvaluationContext) => Finding | null;
  return fn(account, rule.params, ctx);
}

/** The KPI keys the rules read (only kpi_threshold rules read readings). */
export function kpiKeysOf(rules: TriggerRule[]): string[] {
  return [...new Set(rules.flatMap((t) => (t.kind === 'kpi_threshold' ? [kpiKey(t.params.kpi)] : [])))];
}

/** The accounts a rule fires for (a trigger's preview count is its length). */
export function accountsFiring(rule: TriggerRule, accounts: TriggerAccountState[], ctx: EvaluationContext): TriggerAccountState[] {
  return accounts.filter((account) => evaluateTrigger(rule, account, ctx) !== null);
}

export interface FiredRecommendation {
  triggerId: string;
  playbookKey: string;
  accountId: string;
  /** The sum of the reasons' severities. */
  urgency: number;
  /** Most severe first. */
  reasons: Reason[];
}

export interface Evaluation {
  /** One per account and playbook with at least one trigger firing. */
  recommendations: FiredRecommendation[];
  /** Per trigger that fired: for how many accounts. */
  fired: { triggerId: string; playbookKey: string; accounts: number }[];
  /** A task for each (trigger, account) that fired where the trigger creates tasks. */
  taskRequests: { triggerId: string; accountId: string; playbookKey: string }[];
}

/**
 * Runs every trigger on every account: one recommendation per account and playbook that
 * fired, with every reason, ranked by urgency (the sum of the reasons' severities); the
 * recommendation's trigger is that of its most severe reason.
 */
export function evaluateTriggers(triggers: EvaluatedTrigger[], accounts: TriggerAccountState[], ctx: EvaluationContext): Evaluation {
  const recommendations: FiredRecommendation[] = [];
  const fired = new Map<string, { triggerId: string; playbookKey: string; accounts: number }>();
  const taskRequests: Evaluation['taskRequests'] = [];
  for (const account of accounts) {
    const byPlaybook = new Map<string, Reason[]>();
    for (const t of triggers) {
      const finding = evaluateTrigger(t, account, ctx);
      if (!finding) continue;
      byPlaybook.set(t.playbookKey, [...(byPlaybook.get(t.playbookKey) ?? []), { triggerId: t.id, kind: t.kind, trigger: describeTrigger(t), ...finding }]);
      if (t.createTask) taskRequests.push({ triggerId: t.id, accountId: account.id, playbookKey: t.playbookKey });
      const count = fired.get(t.id) ?? { triggerId: t.id, playbookKey: t.playbookKey, accounts: 0 };
      count.accounts += 1;
      fired.set(t.id, count);
    }
    for (const [playbookKey, reasons] of byPlaybook) {
      reasons.sort((x, y) => y.severity - x.severity);
      recommendations.push({
        triggerId: (reasons[0] as Reason).triggerId,
        playbookKey,
        accountId: account.id,
        urgency: round(reasons.reduce((sum, r) => sum + r.severity, 0)),
        reasons,
      });
    }
  }
  return { recommendations, fired: [...fired.values()], taskRequests };
}

/** How far past its threshold one reason is, as a phrase. */
export function urgencyPhrase(reason: Reason): string {
  const margin = formatMargin(reason.margin, reason.unit === 'points' ? '%' : reason.unit);
  const observed = typeof reason.observed === 'number' ? reason.observed : null;
  const threshold = typeof reason.threshold === 'number' ? reason.threshold : null;
  switch (reason.kind) {
    case 'renewal_within':
      return observed === 0 ? 'renews today' : `renews in ${String(observed)} day${observed === 1 ? '' : 's'}`;
    case 'health_tier':
      if (reason.margin <= 0 || reason.observed === 'healthy') return `health is ${tierLabel(String(reason.observed))}`;
      return `${margin} below the ${reason.observed === 'critical' ? 'at-risk' : 'healthy'} threshold`;
    case 'health_score':
      return `health ${margin} ${observed !== null && threshold !== null && observed > threshold ? 'above' : 'below'} ${String(threshold)}`;
    case 'health_drop':
      return `health fell ${String(observed)} points in a period`;
    case 'kpi_threshold':
      return `${reason.trigger}, by ${margin}`;
  }
}
