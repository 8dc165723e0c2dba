import { z } from 'zod';
import { kpiKey, tiers } from '@pulse/scoring';
import { triggers as triggerRepo, type Db, type Page, type PageRequest, type TriggerKind, type TriggerParams, type TriggerRule } from '@pulse/db';
import { badRequest, notFound } from '../errors.js';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { playbookFor, type PlaybookKey } from './playbooks.js';
import { loadScoringContext } from './scoring-context.js';
import { describeTrigger } from './trigger-evaluators.js';

/**
 * Triggers: per tenant and playbook, one condition on real data each. A playbook is
 * recommended for an account when any of its enabled triggers fires for it.
 */

const comparison = z.enum(['below', 'above']);

export const triggerParamSchemas = {
  /** The account's current health tier is one of these. */
  health_tier: z.strictObject({
    tiers: z
      .array(z.enum(tiers))
      .min(1)
      .max(4)
      .refine((chosen) => new Set(chosen).size === chosen.length, { message: 'List each tier once.' }),
  }),
  /** The account's current health score is below or above a value (0–100). */
  health_score: z.strictObject({ comparison, value: z.number().finite().min(0).max(100) }),
  /** Health fell by at least this many points since the previous period with data. */
  health_drop: z.strictObject({ points: z.number().finite().positive().max(100) }),
  /** A KPI's reading in the account's latest period is below or above a value (in the KPI's unit). */
  kpi_threshold: z.strictObject({ kpi: z.string().trim().min(1).max(200), comparison, value: z.number().finite().min(-1e12).max(1e12) }),
  /** The account renews within this many days from today. */
  renewal_within: z.strictObject({ days: z.number().int().min(1).max(730) }),
} satisfies { [K in TriggerKind]: z.ZodType<TriggerParams<K>> };

/** A kind with its thresholds, checked against that kind's schema. */
const triggerRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('health_tier'), params: triggerParamSchemas.health_tier }),
  z.object({ kind: z.literal('health_score'), params: triggerParamSchemas.health_score }),
  z.object({ kind: z.literal('health_drop'), params: triggerParamSchemas.health_drop }),
  z.object({ kind: z.literal('kpi_threshold'), params: triggerParamSchemas.kpi_threshold }),
  z.object({ kind: z.literal('renewal_within'), params: triggerParamSchemas.renewal_within }),
]);

/** A stored trigger's kind and thresholds as one rule (the kind's schema checked them when they were stored). */
export function storedRule(kind: TriggerKind, params: TriggerParams): TriggerRule {
  return triggerRuleSchema.parse({ kind, params });
}

/** Seeded for every new tenant; thresholds refer to catalogue KPIs and the tenant's tiers. */
const defaultTriggers: (TriggerRule & { playbookKey: PlaybookKey })[] = [
  { playbookKey: 'voc_sprint', kind: 'kpi_threshold', params: { kpi: 'Customer Satisfaction (CSAT)', comparison: 'below', value: 3.5 } },
  { playbookKey: 'voc_sprint', kind: 'health_drop', params: { points: 10 } },
  { playbookKey: 'activation_blitz', kind: 'kpi_threshold', params: { kpi: 'Product Activation Rate', comparison: 'below', value: 70 } },
  { playbookKey: 'activation_blitz', kind: 'kpi_threshold', params: { kpi: 'Onboarding Completion Rate', comparison: 'below', value: 75 } },
  {
    playbookKey: 'sla_stabiliser',
    kind: 'kpi_threshold',
    params: { kpi: 'Service Level Agreements (SLAs) compliance', comparison: 'below', value: 80 },
  },
  { playbookKey: 'sla_stabiliser', kind: 'kpi_threshold', params: { kpi: 'Mean Time to Resolution (MTTR)', comparison: 'above', value: 16 } },
  { playbookKey: 'renewal_safeguard', kind: 'renewal_within', params: { days: 90 } },
  { playbookKey: 'renewal_safeguard', kind: 'health_score', params: { comparison: 'below', value: 50 } },
  { playbookKey: 'expansion_timing', kind: 'health_tier', params: { tiers: ['healthy'] } },
  { playbookKey: 'expansion_timing', kind: 'kpi_threshold', params: { kpi: 'Upsell and Cross-sell Revenue', comparison: 'above', value: 20 } },
];

/** Inserts the default triggers for a new tenant (called from registerTenant). */
export async function seedDefaultTriggers(db: Db, tenantId: string): Promise<void> {
  await triggerRepo.insertTriggers(db, tenantId, defaultTriggers);
}

export interface Trigger {
  id: string;
  playbookKey: string;
  playbookName: string;
  kind: TriggerKind;
  params: TriggerParams;
  description: string;
  enabled: boolean;
  /** When it fires, a task is created for the account's owner. */
  createTask: boolean;
  lastFiredAt: Date | null;
  /** Accounts it fires for in the current recommendations. */
  currentAccounts: number;
  updatedAt: Date;
}

function toTrigger(r: triggerRepo.TriggerRow): Trigger {
  return {
    id: r.id,
    playbookKey: r.playbook_key,
    playbookName: playbookFor(r.playbook_key).name,
    kind: r.kind,
    params: r.params,
    description: describeTrigger(storedRule(r.kind, r.params)),
    enabled: r.enabled,
    createTask: r.create_task,
    lastFiredAt: r.last_fired_at,
    currentAccounts: Number(r.current_accounts ?? 0),
    updatedAt: r.updated_at,
  };
}

export async function listTriggers(
  db: Db,
  tenantId: string,
  filters: { playbookKey?: PlaybookKey | null | undefined },
  page: PageRequest,
): Promise<Page<Trigger>> {
  const result = await triggerRepo.listTriggerRows(db, tenantId, filters, page);
  return { items: result.items.map(toTrigger), nextCursor: result.nextCursor };
}

async function getTrigger(db: Db, tenantId: string, id: string): Promise<Trigger> {
  const row = await triggerRepo.findTrigger(db, tenantId, id);
  if (!row) throw notFound('Trigger');
  return toTrigger(row);
}

/**
 * Validates thresholds against the trigger's kind (errors keyed params.<field>, or params for
 * the whole); a KPI must be one the tenant scores.
 */
async function checkRule(db: Db, tenantId: string, kind: TriggerKind, params: unknown): Promise<TriggerRule> {
  const parsed = triggerRuleSchema.safeParse({ kind, params });
  if (!parsed.success) {
    const errors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (errors[issue.path.slice(0, 2).join('.')] ??= []).push(issue.message);
    throw badRequest(`These thresholds do not fit a ${kind} trigger.`, errors);
  }
  const rule = parsed.data;
  if (rule.kind !== 'kpi_threshold') return rule;
  const range = (await loadScoringContext(db, tenantId)).ranges.get(kpiKey(rule.params.kpi));
  if (!range) throw badRequest('Unknown KPI.', { 'params.kpi': [`"${rule.params.kpi}" is not a KPI in the catalogue or this organisation's ranges.`] });
  return { kind: rule.kind, params: { ...rule.params, kpi: range.range.kpiName } };
}

/** The trigger's rule, with params replaced by the given ones (checked against its kind) when given. */
export async function triggerRule(db: Db, tenantId: string, id: string, params?: unknown): Promise<TriggerRule> {
  const trigger = await getTrigger(db, tenantId, id);
  return params === undefined ? storedRule(trigger.kind, trigger.params) : checkRule(db, tenantId, trigger.kind, params);
}

export async function updateTrigger(
  db: Db,
  actor: Actor,
  id: string,
  changes: { enabled?: boolean | undefined; createTask?: boolean | undefined; params?: unknown },
): Promise<Trigger> {
  const before = await getTrigger(db, actor.tenantId, id);
  const params = changes.params === undefined ? undefined : (await checkRule(db, actor.tenantId, before.kind, changes.params)).params;
  await triggerRepo.updateTriggerRow(db, actor.tenantId, id, { enabled: changes.enabled, createTask: changes.createTask, params }, new Date());
  const after = await getTrigger(db, actor.tenantId, id);
  await recordActivity(db, {
    ...actor,
    action: 'playbook_trigger.update',
    resourceType: 'playbook_trigger',
    resourceId: id,
    before: { enabled: before.enabled, createTask: before.createTask, params: before.params },
    after: { enabled: after.enabled, createTask: after.createTask, params: after.params },
  });
  return after;
}
