import { sql } from 'kysely';
import { paginate, type Page, type PageRequest } from '../pagination.js';
import type { Db } from '../tenancy.js';
import type { TriggerKind, TriggerParams, TriggerRule } from '../schema.js';

export type NewTrigger = TriggerRule & { playbookKey: string };

export async function insertTriggers(db: Db, tenantId: string, triggers: NewTrigger[]): Promise<void> {
  await db
    .insertInto('playbook_triggers')
    .values(triggers.map((t) => ({ tenant_id: tenantId, playbook_key: t.playbookKey, kind: t.kind, params: JSON.stringify(t.params) })))
    .execute();
}

export interface EnabledTrigger {
  id: string;
  playbookKey: string;
  kind: TriggerKind;
  params: TriggerParams;
  createTask: boolean;
}

/** The tenant's enabled triggers, by id. */
export async function listEnabledTriggers(db: Db, tenantId: string): Promise<EnabledTrigger[]> {
  const rows = await db
    .selectFrom('playbook_triggers')
    .select(['playbook_triggers.id', 'playbook_triggers.playbook_key', 'playbook_triggers.kind', 'playbook_triggers.params', 'playbook_triggers.create_task'])
    .where('playbook_triggers.tenant_id', '=', tenantId)
    .where('playbook_triggers.enabled', '=', true)
    .orderBy('playbook_triggers.id')
    .execute();
  return rows.map((t) => ({ id: t.id, playbookKey: t.playbook_key, kind: t.kind, params: t.params, createTask: t.create_task }));
}

function triggersQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('playbook_triggers')
    .select((eb) => [
      'playbook_triggers.id',
      'playbook_triggers.playbook_key',
      'playbook_triggers.kind',
      'playbook_triggers.params',
      'playbook_triggers.enabled',
      'playbook_triggers.create_task',
      'playbook_triggers.last_fired_at',
      'playbook_triggers.updated_at',
      eb
        .selectFrom('playbook_recommendations')
        .select(sql<number>`count(*)`.as('n'))
        .whereRef('playbook_recommendations.tenant_id', '=', 'playbook_triggers.tenant_id')
        .where('playbook_recommendations.superseded_at', 'is', null)
        .where(sql<boolean>`playbook_recommendations.reasons @> jsonb_build_array(jsonb_build_object('triggerId', playbook_triggers.id::text))`)
        .as('current_accounts'),
    ])
    .where('playbook_triggers.tenant_id', '=', tenantId);
}

/** A trigger with the number of current recommendations it is a reason of (current_accounts). */
export type TriggerRow = Awaited<ReturnType<ReturnType<typeof triggersQuery>['executeTakeFirstOrThrow']>>;

/** The tenant's triggers, by playbook. */
export async function listTriggerRows(
  db: Db,
  tenantId: string,
  filters: { playbookKey?: string | null | undefined },
  page: PageRequest,
): Promise<Page<TriggerRow>> {
  let q = triggersQuery(db, tenantId);
  if (filters.playbookKey) q = q.where('playbook_triggers.playbook_key', '=', filters.playbookKey);
  return paginate(
    q,
    [
      { column: sql.ref('playbook_triggers.playbook_key'), value: (r) => r.playbook_key },
      { column: sql.ref('playbook_triggers.id'), value: (r) => r.id },
    ],
    page,
  );
}

/** A trigger of the tenant; undefined when there is none. */
export async function findTrigger(db: Db, tenantId: string, id: string): Promise<TriggerRow | undefined> {
  return triggersQuery(db, tenantId).where('playbook_triggers.id', '=', id).executeTakeFirst();
}

export interface TriggerChanges {
  enabled?: boolean | undefined;
  createTask?: boolean | undefined;
  params?: TriggerParams | undefined;
}

/** Applies the given changes (left-out fields stay) and stamps updated_at. */
export async function updateTriggerRow(db: Db, tenantId: string, id: string, changes: TriggerChanges, now: Date): Promise<void> {
  await db
    .updateTable('playbook_triggers')
    .set({
      ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
      ...(changes.createTask !== undefined ? { create_task: changes.createTask } : {}),
      ...(changes.params !== undefined ? { params: JSON.stringify(changes.params) } : {}),
      updated_at: now,
    })
    .where('playbook_triggers.tenant_id', '=', tenantId)
    .where('playbook_triggers.id', '=', id)
    .execute();
}

/** Stamps last_fired_at on the triggers that fired. */
export async function markTriggersFired(db: Db, tenantId: string, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('playbook_triggers')
    .set({ last_fired_at: now })
    .where('playbook_triggers.tenant_id', '=', tenantId)
    .where('playbook_triggers.id', 'in', ids)
    .execute();
}
