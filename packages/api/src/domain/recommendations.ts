import { sql } from 'kysely';
import { kpiKey } from '@pulse/scoring';
import { paginate, type Db, type HealthTier, type Page, type PageRequest } from '@pulse/db';
import { notFound } from '../errors.js';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { emitEvents } from './webhooks.js';
import { bulkInsert } from './bulk.js';
import { playbookFor, type PlaybookKey } from './playbooks.js';
import { loadScoringContext, settingsFor, type EffectiveRange, type TenantSettings } from './scoring-context.js';
import { createTriggerTasks } from './step-tasks.js';
import { describeTrigger, triggerRule, type AnyTriggerParams, type TriggerKind, type TriggerParams } from './triggers.js';

/** One crossed threshold: what was observed, the threshold, and by how much it was crossed. */
export interface Reason {
  triggerId: string;
  kind: TriggerKind;
  trigger: string;
  message: string;
  observed: number | string | null;
  threshold: number | string;
  /** How far past the threshold, in the unit of the measure (points, KPI unit, days). */
  margin: number;
  unit: string | null;
  /** 10 for firing plus up to 90 for how far past the threshold, relative to the measure's scale. */
  severity: number;
}

interface AccountState {
  id: string;
  overall: number | null;
  tier: HealthTier;
  period: string | null;
  renewalDate: string | null;
  previousPeriod: string | null;
  previousOverall: number | null;
  /** The segment whose tiers the account's health is judged by (null: the organisation's). */
  segmentId: string | null;
  /** Values of the triggers' KPIs in the account's latest period (one per product, or one for the account). */
  kpis: Map<string, number[]>;
}

interface EvaluationContext {
  settings: TenantSettings;
  ranges: Map<string, EffectiveRange>;
  today: Date;
}

type Finding = Omit<Reason, 'triggerId' | 'kind' | 'trigger'>;

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const severity = (margin: number, scale: number): number => round(10 + Math.min(90, (100 * Math.max(0, margin)) / (scale > 0 ? scale : 1)));
const tierLabel = (tier: string): string => tier.replace('_', ' ');

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

const evaluators: { [K in TriggerKind]: (a: AccountState, p: TriggerParams<K>, ctx: EvaluationContext) => Finding | null } = {
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

function evaluate(t: AnyTriggerParams, a: AccountState, ctx: EvaluationContext): Finding | null {
  const fn = evaluators[t.kind] as (a: AccountState, p: typeof t.params, ctx: EvaluationContext) => Finding | null;
  return fn(a, t.params, ctx);
}

async function loadAccountStates(db: Db, tenantId: string, accountIds: string[] | 'all', kpiKeys: string[]): Promise<AccountState[]> {
  let q = db
    .selectFrom('accounts')
    .select([
      'accounts.id',
      'accounts.health_overall',
      'accounts.health_tier',
      'accounts.health_period',
      'accounts.renewal_date',
      'accounts.health_previous_period',
      'accounts.health_previous_overall',
      'accounts.segment_id',
    ])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.archived_at', 'is', null)
    .where('accounts.status', '<>', 'churned');
  if (accountIds !== 'all') q = q.where(sql<boolean>`accounts.id = ANY(${accountIds}::uuid[])`);
  const rows = await q.execute();

  const kpis = new Map<string, Map<string, number[]>>();
  if (kpiKeys.length && rows.length) {
    let k = db
      .selectFrom('kpi_readings')
      .innerJoin('accounts', (j) =>
        j
          .onRef('accounts.tenant_id', '=', 'kpi_readings.tenant_id')
          .onRef('accounts.id', '=', 'kpi_readings.account_id')
          .onRef('accounts.health_period', '=', 'kpi_readings.period'),
      )
      .select(['kpi_readings.account_id', 'kpi_readings.kpi_key', 'kpi_readings.value'])
      .where('kpi_readings.tenant_id', '=', tenantId)
      .where('kpi_readings.kpi_key', 'in', kpiKeys)
      .where('kpi_readings.value', 'is not', null);
    if (accountIds !== 'all') k = k.where(sql<boolean>`kpi_readings.account_id = ANY(${accountIds}::uuid[])`);
    for (const r of await k.execute()) {
      const byKpi = kpis.get(r.account_id) ?? new Map<string, number[]>();
      byKpi.set(r.kpi_key, [...(byKpi.get(r.kpi_key) ?? []), r.value as number]);
      kpis.set(r.account_id, byKpi);
    }
  }
  return rows.map((r) => ({
    id: r.id,
    overall: r.health_overall,
    tier: r.health_tier,
    period: r.health_period,
    renewalDate: r.renewal_date,
    previousPeriod: r.health_previous_period,
    previousOverall: r.health_previous_overall,
    segmentId: r.segment_id,
    kpis: kpis.get(r.id) ?? new Map(),
  }));
}

export interface EvaluationResult {
  evaluatedAccounts: number;
  recommendations: number;
  fired: { triggerId: string; playbookKey: string; accounts: number }[];
  /** Tasks created by triggers whose rule says "create a task". */
  tasks: number;
}

/**
 * Evaluates the tenant's enabled triggers for the given accounts (all when 'all') and
 * replaces their current recommendations: one per account and playbook that fired, with
 * every reason, ranked by urgency (the sum of the reasons' severities). Recommendations
 * an execution was started from are kept, marked superseded; the rest are deleted.
 */
export async function evaluatePlaybooks(db: Db, actor: Actor, accountIds: string[] | 'all', now = new Date()): Promise<EvaluationResult> {
  const tenantId = actor.tenantId;
  const triggers = await db
    .selectFrom('playbook_triggers')
    .select(['playbook_triggers.id', 'playbook_triggers.playbook_key', 'playbook_triggers.kind', 'playbook_triggers.params', 'playbook_triggers.create_task'])
    .where('playbook_triggers.tenant_id', '=', tenantId)
    .where('playbook_triggers.enabled', '=', true)
    .orderBy('playbook_triggers.id')
    .execute();
  const typed = triggers.map((t) => ({
    id: t.id,
    playbookKey: t.playbook_key,
    createTask: t.create_task,
    ...({ kind: t.kind, params: t.params } as AnyTriggerParams),
  }));
  const kpiKeys = [...new Set(typed.flatMap((t) => (t.kind === 'kpi_threshold' ? [kpiKey(t.params.kpi)] : [])))];
  const [accounts, scoring] = await Promise.all([loadAccountStates(db, tenantId, accountIds, kpiKeys), loadScoringContext(db, tenantId)]);
  const ctx: EvaluationContext = { settings: scoring, ranges: scoring.ranges, today: now };

  const rows: { trigger_id: string; playbook_key: string; account_id: string; urgency: number; reasons: Reason[] }[] = [];
  const fired = new Map<string, { triggerId: string; playbookKey: string; accounts: number }>();
  const taskRequests: { triggerId: string; accountId: string; playbookKey: string }[] = [];
  for (const account of accounts) {
    const byPlaybook = new Map<string, Reason[]>();
    for (const t of typed) {
      const finding = evaluate(t, account, ctx);
      if (!finding) continue;
      byPlaybook.set(t.playbookKey, [...(byPlaybook.get(t.playbookKey) ?? []), { triggerId: t.id, kind: t.kind, trigger: describeTrigger(t), ...finding }]);
      if (t.createTask) taskRequests.push({ triggerId: t.id, accountId: account.id, playbookKey: t.playbookKey });
      const count = fired.get(t.id) ?? { triggerId: t.id, playbookKey: t.playbookKey, accounts: 0 };
      count.accounts += 1;
      fired.set(t.id, count);
    }
    for (const [playbookKey, reasons] of byPlaybook) {
      reasons.sort((x, y) => y.severity - x.severity);
      rows.push({
        trigger_id: (reasons[0] as Reason).triggerId,
        playbook_key: playbookKey,
        account_id: account.id,
        urgency: round(reasons.reduce((sum, r) => sum + r.severity, 0)),
        reasons,
      });
    }
  }

  const alreadyCurrent = await currentPairs(db, tenantId, accountIds);
  await supersede(db, tenantId, accountIds, now);
  await bulkInsert(db, 'playbook_recommendations', [
    { name: 'tenant_id', type: 'uuid', values: rows.map(() => tenantId) },
    { name: 'trigger_id', type: 'uuid', values: rows.map((r) => r.trigger_id) },
    { name: 'playbook_key', type: 'text', values: rows.map((r) => r.playbook_key) },
    { name: 'account_id', type: 'uuid', values: rows.map((r) => r.account_id) },
    { name: 'urgency', type: 'float8', values: rows.map((r) => r.urgency) },
    { name: 'reasons', type: 'jsonb', values: rows.map((r) => JSON.stringify(r.reasons)) },
    { name: 'fired_at', type: 'timestamptz', values: rows.map(() => now.toISOString()) },
  ]);
  if (fired.size) {
    await db
      .updateTable('playbook_triggers')
      .set({ last_fired_at: now })
      .where('playbook_triggers.tenant_id', '=', tenantId)
      .where('playbook_triggers.id', 'in', [...fired.keys()])
      .execute();
  }
  await announceNew(
    db,
    tenantId,
    rows.filter((r) => !alreadyCurrent.has(`${r.account_id}|${r.playbook_key}`)),
  );
  const tasks = await createTriggerTasks(db, actor, taskRequests, now);
  const result: EvaluationResult = { evaluatedAccounts: accounts.length, recommendations: rows.length, fired: [...fired.values()], tasks };
  await recordActivity(db, { ...actor, action: 'playbook.evaluate', resourceType: 'playbook_recommendation', after: result });
  return result;
}

export interface TriggerPreview {
  /** The rule previewed, in words. */
  description: string;
  /** Accounts (not archived, not churned) the rule would fire for now. */
  accounts: number;
  evaluatedAccounts: number;
}

/**
 * How many accounts a trigger would fire for now, with its stored thresholds or the given
 * ones, through the same evaluators as evaluatePlaybooks; writes nothing. Disabled triggers
 * are previewed as if enabled.
 */
export async function previewTrigger(db: Db, tenantId: string, id: string, params: unknown, now = new Date()): Promise<TriggerPreview> {
  const rule = await triggerRule(db, tenantId, id, params);
  const kpiKeys = rule.kind === 'kpi_threshold' ? [kpiKey(rule.params.kpi)] : [];
  const [accounts, scoring] = await Promise.all([loadAccountStates(db, tenantId, 'all', kpiKeys), loadScoringContext(db, tenantId)]);
  const ctx: EvaluationContext = { settings: scoring, ranges: scoring.ranges, today: now };
  return {
    description: describeTrigger(rule),
    accounts: accounts.filter((account) => evaluate(rule, account, ctx) !== null).length,
    evaluatedAccounts: accounts.length,
  };
}

/** The (account, playbook) pairs recommended now, before an evaluation replaces them. */
async function currentPairs(db: Db, tenantId: string, accountIds: string[] | 'all'): Promise<Set<string>> {
  if (accountIds !== 'all' && accountIds.length === 0) return new Set();
  let q = db
    .selectFrom('playbook_recommendations')
    .select(['playbook_recommendations.account_id', 'playbook_recommendations.playbook_key'])
    .where('playbook_recommendations.tenant_id', '=', tenantId)
    .where('playbook_recommendations.superseded_at', 'is', null);
  if (accountIds !== 'all') q = q.where(sql<boolean>`playbook_recommendations.account_id = ANY(${accountIds}::uuid[])`);
  return new Set((await q.execute()).map((r) => `${r.account_id}|${r.playbook_key}`));
}

/** recommendation.fired for recommendations that were not current before this evaluation (a daily re-evaluation announces nothing new). */
async function announceNew(db: Db, tenantId: string, rows: { playbook_key: string; account_id: string; urgency: number; reasons: Reason[] }[]): Promise<void> {
  if (rows.length === 0) return;
  const names = await db
    .selectFrom('accounts')
    .select(['accounts.id', 'accounts.name'])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.id', 'in', [...new Set(rows.map((r) => r.account_id))])
    .execute();
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  await emitEvents(
    db,
    tenantId,
    rows.map((r) => ({
      event: 'recommendation.fired' as const,
      summary: `Playbook ${r.playbook_key} is recommended for ${nameOf.get(r.account_id) ?? 'an account'}: ${r.reasons[0]?.message ?? ''}`,
      data: {
        accountId: r.account_id,
        accountName: nameOf.get(r.account_id) ?? null,
        playbookKey: r.playbook_key,
        urgency: r.urgency,
        reasons: r.reasons.map((x) => x.message),
      },
    })),
  );
}

/**
 * Retires the current recommendations of the accounts: those an execution links to are
 * marked superseded, then the rest are deleted.
 */
async function supersede(db: Db, tenantId: string, accountIds: string[] | 'all', now: Date): Promise<void> {
  if (accountIds !== 'all' && accountIds.length === 0) return;
  let update = db
    .updateTable('playbook_recommendations')
    .set({ superseded_at: now })
    .where('playbook_recommendations.tenant_id', '=', tenantId)
    .where('playbook_recommendations.superseded_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('playbook_executions')
          .select('playbook_executions.id')
          .whereRef('playbook_executions.tenant_id', '=', 'playbook_recommendations.tenant_id')
          .whereRef('playbook_executions.recommendation_id', '=', 'playbook_recommendations.id'),
      ),
    );
  let remove = db
    .deleteFrom('playbook_recommendations')
    .where('playbook_recommendations.tenant_id', '=', tenantId)
    .where('playbook_recommendations.superseded_at', 'is', null);
  if (accountIds !== 'all') {
    const scoped = sql<boolean>`playbook_recommendations.account_id = ANY(${accountIds}::uuid[])`;
    update = update.where(scoped);
    remove = remove.where(scoped);
  }
  await update.execute();
  await remove.execute();
}

export interface Recommendation {
  id: string;
  playbookKey: string;
  playbookName: string;
  account: { id: string; name: string; healthOverall: number | null; healthTier: HealthTier; renewalDate: string | null };
  urgency: number;
  /** Why it is urgent, in words, most severe first ("renews in 23 days", "12.5 points below the healthy threshold"). */
  urgencyReasons: string[];
  reasons: Reason[];
  firedAt: Date;
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

function recommendationsQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('playbook_recommendations')
    .innerJoin('accounts', (j) =>
      j.onRef('accounts.tenant_id', '=', 'playbook_recommendations.tenant_id').onRef('accounts.id', '=', 'playbook_recommendations.account_id'),
    )
    .select([
      'playbook_recommendations.id',
      'playbook_recommendations.playbook_key',
      'playbook_recommendations.urgency',
      'playbook_recommendations.reasons',
      'playbook_recommendations.fired_at',
      'accounts.id as account_id',
      'accounts.name as account_name',
      'accounts.health_overall',
      'accounts.health_tier',
      'accounts.renewal_date',
    ])
    .where('playbook_recommendations.tenant_id', '=', tenantId);
}

type RecommendationRow = Awaited<ReturnType<ReturnType<typeof recommendationsQuery>['executeTakeFirstOrThrow']>>;

function toRecommendation(r: RecommendationRow): Recommendation {
  return {
    id: r.id,
    playbookKey: r.playbook_key,
    playbookName: playbookFor(r.playbook_key).name,
    account: { id: r.account_id, name: r.account_name, healthOverall: r.health_overall, healthTier: r.health_tier, renewalDate: r.renewal_date },
    urgency: r.urgency,
    urgencyReasons: [...(r.reasons as Reason[])].sort((a, b) => b.severity - a.severity).map(urgencyPhrase),
    reasons: r.reasons as Reason[],
    firedAt: r.fired_at,
  };
}

export interface RecommendationFilters {
  playbookKey?: PlaybookKey | null | undefined;
  accountId?: string | null | undefined;
  /** Only accounts this user owns (already resolved from 'me'). */
  ownerUserId?: string | null | undefined;
}

/**
 * Current recommendations, most urgent first, for one playbook or all. Left out: those a
 * playbook was already started from, accounts already running the playbook, and archived
 * accounts.
 */
export async function listRecommendations(db: Db, tenantId: string, filters: RecommendationFilters, page: PageRequest): Promise<Page<Recommendation>> {
  let q = recommendationsQuery(db, tenantId)
    .where('playbook_recommendations.superseded_at', 'is', null)
    .where('accounts.archived_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('playbook_executions')
            .select('playbook_executions.id')
            .whereRef('playbook_executions.tenant_id', '=', 'playbook_recommendations.tenant_id')
            .whereRef('playbook_executions.account_id', '=', 'playbook_recommendations.account_id')
            .whereRef('playbook_executions.playbook_key', '=', 'playbook_recommendations.playbook_key')
            .where('playbook_executions.status', 'in', ['active', 'paused']),
        ),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('playbook_executions')
            .select('playbook_executions.id')
            .whereRef('playbook_executions.tenant_id', '=', 'playbook_recommendations.tenant_id')
            .whereRef('playbook_executions.recommendation_id', '=', 'playbook_recommendations.id'),
        ),
      ),
    );
  if (filters.playbookKey) q = q.where('playbook_recommendations.playbook_key', '=', filters.playbookKey);
  if (filters.accountId) q = q.where('playbook_recommendations.account_id', '=', filters.accountId);
  if (filters.ownerUserId) q = q.where('accounts.owner_user_id', '=', filters.ownerUserId);
  const result = await paginate(
    q,
    [
      { column: sql.ref('playbook_recommendations.urgency'), value: (r) => r.urgency, direction: 'desc' },
      { column: sql.ref('playbook_recommendations.id'), value: (r) => r.id },
    ],
    page,
  );
  return { items: result.items.map(toRecommendation), nextCursor: result.nextCursor };
}

/** A recommendation of the tenant, current or superseded. */
export async function getRecommendation(db: Db, tenantId: string, id: string): Promise<Recommendation> {
  const row = await recommendationsQuery(db, tenantId).where('playbook_recommendations.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Recommendation');
  return toRecommendation(row);
}
