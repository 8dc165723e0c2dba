import { sql } from 'kysely';
import { paginate, type Page, type PageRequest } from '../pagination.js';
import type { ExecutionStatus, StepStatus } from '../schema.js';
import type { Db } from '../tenancy.js';

function executionsQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('playbook_executions')
    .innerJoin('accounts', (j) =>
      j.onRef('accounts.tenant_id', '=', 'playbook_executions.tenant_id').onRef('accounts.id', '=', 'playbook_executions.account_id'),
    )
    .innerJoin('users', (j) => j.onRef('users.tenant_id', '=', 'playbook_executions.tenant_id').onRef('users.id', '=', 'playbook_executions.started_by'))
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('playbook_execution_steps')
          .select([
            sql<number>`count(*)`.as('total'),
            sql<number>`count(*) FILTER (WHERE playbook_execution_steps.status = 'done')`.as('done'),
            sql<number>`count(*) FILTER (WHERE playbook_execution_steps.status = 'skipped')`.as('skipped'),
          ])
          .whereRef('playbook_execution_steps.tenant_id', '=', 'playbook_executions.tenant_id')
          .whereRef('playbook_execution_steps.execution_id', '=', 'playbook_executions.id')
          .as('progress'),
      (j) => j.onTrue(),
    )
    .select([
      'playbook_executions.id',
      'playbook_executions.playbook_key',
      'playbook_executions.status',
      'playbook_executions.recommendation_id',
      'playbook_executions.started_at',
      'playbook_executions.ended_at',
      'playbook_executions.health_at_start',
      'playbook_executions.closing_note',
      'accounts.id as account_id',
      'accounts.name as account_name',
      'accounts.health_overall',
      'users.id as started_by_id',
      'users.name as started_by_name',
      'progress.total',
      'progress.done',
      'progress.skipped',
    ])
    .where('playbook_executions.tenant_id', '=', tenantId);
}

/** An execution with its account, who started it, and its step counts (total, done, skipped). */
export type ExecutionRow = Awaited<ReturnType<ReturnType<typeof executionsQuery>['executeTakeFirstOrThrow']>>;

export interface ExecutionFilters {
  accountId?: string | null | undefined;
  playbookKey?: string | null | undefined;
  status?: ExecutionStatus | null | undefined;
}

/** Executions, newest first. */
export async function listExecutionRows(db: Db, tenantId: string, filters: ExecutionFilters, page: PageRequest): Promise<Page<ExecutionRow>> {
  let q = executionsQuery(db, tenantId);
  if (filters.accountId) q = q.where('playbook_executions.account_id', '=', filters.accountId);
  if (filters.playbookKey) q = q.where('playbook_executions.playbook_key', '=', filters.playbookKey);
  if (filters.status) q = q.where('playbook_executions.status', '=', filters.status);
  return paginate(
    q,
    [
      { column: sql.ref('playbook_executions.started_at'), value: (r) => r.started_at.toISOString(), direction: 'desc' },
      { column: sql.ref('playbook_executions.id'), value: (r) => r.id, direction: 'desc' },
    ],
    page,
  );
}

/** An execution of the tenant; undefined when there is none. */
export async function findExecution(db: Db, tenantId: string, id: string): Promise<ExecutionRow | undefined> {
  return executionsQuery(db, tenantId).where('playbook_executions.id', '=', id).executeTakeFirst();
}

export interface ExecutionStepRow {
  id: string;
  position: number;
  title: string;
  status: StepStatus;
  note: string | null;
  outcome: string | null;
  completedAt: Date | null;
  completedBy: { id: string; name: string } | null;
}

/** The execution's steps in order, with who resolved each. */
export async function listExecutionSteps(db: Db, tenantId: string, executionId: string): Promise<ExecutionStepRow[]> {
  const rows = await db
    .selectFrom('playbook_execution_steps')
    .leftJoin('users', (j) =>
      j.onRef('users.tenant_id', '=', 'playbook_execution_steps.tenant_id').onRef('users.id', '=', 'playbook_execution_steps.completed_by'),
    )
    .select([
      'playbook_execution_steps.id',
      'playbook_execution_steps.position',
      'playbook_execution_steps.title',
      'playbook_execution_steps.status',
      'playbook_execution_steps.note',
      'playbook_execution_steps.outcome',
      'playbook_execution_steps.completed_at',
      'users.id as user_id',
      'users.name as user_name',
    ])
    .where('playbook_execution_steps.tenant_id', '=', tenantId)
    .where('playbook_execution_steps.execution_id', '=', executionId)
    .orderBy('playbook_execution_steps.position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    title: r.title,
    status: r.status,
    note: r.note,
    outcome: r.outcome,
    completedAt: r.completed_at,
    completedBy: r.user_id && r.user_name ? { id: r.user_id, name: r.user_name } : null,
  }));
}

export interface AuditRow {
  at: Date;
  user: { id: string; name: string } | null;
  action: string;
  details: unknown;
}

/** Every activity-log entry about one resource, oldest first. */
export async function listResourceAudit(db: Db, tenantId: string, resourceType: string, resourceId: string): Promise<AuditRow[]> {
  const rows = await db
    .selectFrom('activity_log')
    .leftJoin('users', (j) => j.onRef('users.tenant_id', '=', 'activity_log.tenant_id').onRef('users.id', '=', 'activity_log.user_id'))
    .select(['activity_log.created_at', 'activity_log.action', 'activity_log.after', 'users.id as user_id', 'users.name as user_name'])
    .where('activity_log.tenant_id', '=', tenantId)
    .where('activity_log.resource_type', '=', resourceType)
    .where('activity_log.resource_id', '=', resourceId)
    .orderBy('activity_log.created_at')
    .orderBy('activity_log.seq')
    .execute();
  return rows.map((r) => ({
    at: r.created_at,
    user: r.user_id && r.user_name ? { id: r.user_id, name: r.user_name } : null,
    action: r.action,
    details: r.after,
  }));
}

export interface NewExecution {
  accountId: string;
  playbookKey: string;
  recommendationId: string | null;
  startedBy: string;
  healthAtStart: number | null;
  /** Step titles in order. */
  steps: string[];
}

/**
 * Starts an execution (active) with its steps (pending). Undefined, writing nothing, when
 * the account already runs that playbook (active or paused).
 */
export async function insertExecution(
  db: Db,
  tenantId: string,
  execution: NewExecution,
): Promise<{ id: string; steps: { id: string; position: number; title: string }[] } | undefined> {
  const started = await db
    .insertInto('playbook_executions')
    .values({
      tenant_id: tenantId,
      account_id: execution.accountId,
      playbook_key: execution.playbookKey,
      status: 'active',
      recommendation_id: execution.recommendationId,
      started_by: execution.startedBy,
      health_at_start: execution.healthAtStart,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'account_id', 'playbook_key']).where('status', 'in', ['active', 'paused']).doNothing())
    .returning('playbook_executions.id')
    .executeTakeFirst();
  if (!started) return undefined;
  const steps = await db
    .insertInto('playbook_execution_steps')
    .values(execution.steps.map((title, i) => ({ tenant_id: tenantId, execution_id: started.id, position: i + 1, title, status: 'pending' as const })))
    .returning(['playbook_execution_steps.id', 'playbook_execution_steps.position', 'playbook_execution_steps.title'])
    .execute();
  return { id: started.id, steps };
}

/** Reads and locks (FOR UPDATE) the execution's status for a change; undefined when there is none. */
export async function lockExecution(db: Db, tenantId: string, id: string): Promise<{ id: string; status: ExecutionStatus } | undefined> {
  return db
    .selectFrom('playbook_executions')
    .select(['playbook_executions.id', 'playbook_executions.status'])
    .where('playbook_executions.tenant_id', '=', tenantId)
    .where('playbook_executions.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** One step of the execution; undefined when the execution has no such step. */
export async function findExecutionStep(
  db: Db,
  tenantId: string,
  executionId: string,
  stepId: string,
): Promise<{ position: number; title: string; status: StepStatus } | undefined> {
  return db
    .selectFrom('playbook_execution_steps')
    .select(['playbook_execution_steps.position', 'playbook_execution_steps.title', 'playbook_execution_steps.status'])
    .where('playbook_execution_steps.tenant_id', '=', tenantId)
    .where('playbook_execution_steps.execution_id', '=', executionId)
    .where('playbook_execution_steps.id', '=', stepId)
    .executeTakeFirst();
}

export interface StepResolution {
  status: 'done' | 'skipped';
  note: string;
  outcome: string | null;
  completedBy: string | null;
  completedAt: Date;
}

export async function resolveExecutionStep(db: Db, tenantId: string, stepId: string, resolution: StepResolution): Promise<void> {
  await db
    .updateTable('playbook_execution_steps')
    .set({
      status: resolution.status,
      note: resolution.note,
      outcome: resolution.outcome,
      completed_by: resolution.completedBy,
      completed_at: resolution.completedAt,
    })
    .where('playbook_execution_steps.tenant_id', '=', tenantId)
    .where('playbook_execution_steps.id', '=', stepId)
    .execute();
}

/** How many of the execution's steps are still pending. */
export async function countPendingSteps(db: Db, tenantId: string, executionId: string): Promise<number> {
  const open = await db
    .selectFrom('playbook_execution_steps')
    .select(sql<number>`count(*)`.as('n'))
    .where('playbook_execution_steps.tenant_id', '=', tenantId)
    .where('playbook_execution_steps.execution_id', '=', executionId)
    .where('playbook_execution_steps.status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(open.n);
}

/** Sets the execution's status; an ending (completed or cancelled) also stamps ended_at and the closing note. */
export async function setExecutionStatus(
  db: Db,
  tenantId: string,
  id: string,
  status: ExecutionStatus,
  ending: { endedAt: Date; closingNote: string | null } | null,
): Promise<void> {
  await db
    .updateTable('playbook_executions')
    .set({ status, ...(ending ? { ended_at: ending.endedAt, closing_note: ending.closingNote } : {}) })
    .where('playbook_executions.tenant_id', '=', tenantId)
    .where('playbook_executions.id', '=', id)
    .execute();
}

/**
 * An account's overall health (no product) for an execution's report: the `beforePeriods`
 * periods before `from`, and every period from `from` to `to`, each oldest first.
 */
export async function accountHealthAround(db: Db, tenantId: string, accountId: string, from: string, to: string, beforePeriods: number) {
  const base = db
    .selectFrom('account_health')
    .select(['account_health.period', 'account_health.overall', 'account_health.tier', 'account_health.coverage'])
    .where('account_health.tenant_id', '=', tenantId)
    .where('account_health.account_id', '=', accountId)
    .where('account_health.product_id', 'is', null);
  const [before, during] = await Promise.all([
    base.where('account_health.period', '<', from).orderBy('account_health.period', 'desc').limit(beforePeriods).execute(),
    base.where('account_health.period', '>=', from).where('account_health.period', '<=', to).orderBy('account_health.period').execute(),
  ]);
  return { before: before.reverse(), during };
}
