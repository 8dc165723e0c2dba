import {
  recommendations as repo,
  triggers as triggerRepo,
  type AccountScope,
  type Db,
  type HealthTier,
  type Page,
  type PageRequest,
  type TriggerRule,
} from '@pulse/db';
import { notFound } from '../errors.js';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { emitEvents } from './webhooks.js';
import { playbookFor, type PlaybookKey } from './playbooks.js';
import { resolveBookOwner } from './owners.js';
import { loadScoringContext } from './scoring-context.js';
import { createTriggerTasks } from './step-tasks.js';
import { storedRule, triggerRule } from './triggers.js';
import type { Caller } from './views.js';
import {
  accountsFiring,
  describeTrigger,
  evaluateTriggers,
  kpiKeysOf,
  urgencyPhrase,
  type EvaluatedTrigger,
  type EvaluationContext,
  type FiredRecommendation,
  type Reason,
} from './trigger-evaluators.js';

export type { Reason } from './trigger-evaluators.js';

/** The data the evaluators read for the accounts in scope, for the given rules. */
async function loadEvaluation(db: Db, tenantId: string, accountIds: AccountScope, rules: TriggerRule[], now: Date) {
  const [accounts, scoring] = await Promise.all([repo.loadTriggerAccountStates(db, tenantId, accountIds, kpiKeysOf(rules)), loadScoringContext(db, tenantId)]);
  const ctx: EvaluationContext = { settings: scoring, ranges: scoring.ranges, today: now };
  return { accounts, ctx };
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
export async function evaluatePlaybooks(db: Db, actor: Actor, accountIds: AccountScope, now = new Date()): Promise<EvaluationResult> {
  const tenantId = actor.tenantId;
  const triggers: EvaluatedTrigger[] = (await triggerRepo.listEnabledTriggers(db, tenantId)).map((t) => ({
    ...t,
    ...storedRule(t.kind, t.params),
  }));
  const { accounts, ctx } = await loadEvaluation(db, tenantId, accountIds, triggers, now);
  const evaluation = evaluateTriggers(triggers, accounts, ctx);

  const alreadyCurrent = await repo.currentRecommendationPairs(db, tenantId, accountIds);
  await repo.retireRecommendations(db, tenantId, accountIds, now);
  await repo.insertRecommendations(db, tenantId, evaluation.recommendations, now);
  await triggerRepo.markTriggersFired(
    db,
    tenantId,
    evaluation.fired.map((f) => f.triggerId),
    now,
  );
  await announceNew(
    db,
    tenantId,
    evaluation.recommendations.filter((r) => !alreadyCurrent.has(`${r.accountId}|${r.playbookKey}`)),
  );
  const tasks = await createTriggerTasks(db, actor, evaluation.taskRequests, now);
  const result: EvaluationResult = { evaluatedAccounts: accounts.length, recommendations: evaluation.recommendations.length, fired: evaluation.fired, tasks };
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
 * ones, through the same loading and evaluators as evaluatePlaybooks; writes nothing.
 * Disabled triggers are previewed as if enabled.
 */
export async function previewTrigger(db: Db, tenantId: string, id: string, params: unknown, now = new Date()): Promise<TriggerPreview> {
  const rule = await triggerRule(db, tenantId, id, params);
  const { accounts, ctx } = await loadEvaluation(db, tenantId, 'all', [rule], now);
  return { description: describeTrigger(rule), accounts: accountsFiring(rule, accounts, ctx).length, evaluatedAccounts: accounts.length };
}

/** recommendation.fired for recommendations that were not current before this evaluation (a daily re-evaluation announces nothing new). */
async function announceNew(db: Db, tenantId: string, rows: FiredRecommendation[]): Promise<void> {
  if (rows.length === 0) return;
  const nameOf = await repo.recommendedAccountNames(db, tenantId, [...new Set(rows.map((r) => r.accountId))]);
  await emitEvents(
    db,
    tenantId,
    rows.map((r) => ({
      event: 'recommendation.fired' as const,
      summary: `Playbook ${r.playbookKey} is recommended for ${nameOf.get(r.accountId) ?? 'an account'}: ${r.reasons[0]?.message ?? ''}`,
      data: {
        accountId: r.accountId,
        accountName: nameOf.get(r.accountId) ?? null,
        playbookKey: r.playbookKey,
        urgency: r.urgency,
        reasons: r.reasons.map((x) => x.message),
      },
    })),
  );
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

function toRecommendation(r: repo.RecommendationRow): Recommendation {
  return {
    id: r.id,
    playbookKey: r.playbook_key,
    playbookName: playbookFor(r.playbook_key).name,
    account: { id: r.account_id, name: r.account_name, healthOverall: r.health_overall, healthTier: r.health_tier, renewalDate: r.renewal_date },
    urgency: r.urgency,
    urgencyReasons: [...r.reasons].sort((a, b) => b.severity - a.severity).map(urgencyPhrase),
    reasons: r.reasons,
    firedAt: r.fired_at,
  };
}

export interface RecommendationFilters {
  playbookKey?: PlaybookKey | null | undefined;
  accountId?: string | null | undefined;
  /** Only accounts of this user's book: 'me', a user id, or null for everyone's. */
  owner?: string | null | undefined;
}

/**
 * Current recommendations, most urgent first, for one playbook or all, in the caller's
 * book or the named owner's. Left out: those a playbook was already started from, accounts
 * already running the playbook, and archived accounts.
 */
export async function listRecommendations(db: Db, caller: Caller, filters: RecommendationFilters, page: PageRequest): Promise<Page<Recommendation>> {
  const { owner, ...rest } = filters;
  const ownerUserId = await resolveBookOwner(db, caller, owner);
  const result = await repo.listCurrentRecommendations(db, caller.tenantId, { ...rest, ownerUserId }, page);
  return { items: result.items.map(toRecommendation), nextCursor: result.nextCursor };
}

/** A recommendation of the tenant, current or superseded. */
export async function getRecommendation(db: Db, tenantId: string, id: string): Promise<Recommendation> {
  const row = await repo.findRecommendation(db, tenantId, id);
  if (!row) throw notFound('Recommendation');
  return toRecommendation(row);
}
