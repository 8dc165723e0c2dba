import { sql } from 'kysely';
import { paginate, type Db, type ExecutionStatus, type Page, type PageRequest, type StepStatus } from '@pulse/db';
import { badRequest, conflict, notFound } from '../errors.js';
import { getAccount, type Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { playbookFor, type PlaybookKey } from './playbooks.js';
import { getRecommendation } from './recommendations.js';
import { closeExecutionTasks, closeStepTasks, createStepTasks } from './step-tasks.js';
import { isoDay } from './dates.js';

/**
 * Playbook executions, stored only in the database: started for an account (at most one
 * running per account and playbook), worked step by step, paused, resumed, cancelled or
 * completed. Every change is written to the activity log, which is the audit trail.
 */

const RESOURCE = 'playbook_execution';
const DAY_MS = 86_400_000;

export interface Progress {
  total: number;
  done: number;
  skipped: number;
  pending: number;
  /** Share of steps resolved (done or skipped), 0–100. */
  percent: number;
}

export interface ExecutionSummary {
  id: string;
  playbook: { key: string; name: string; durationDays: number };
  account: { id: string; name: string };
  status: ExecutionStatus;
  recommendationId: string | null;
  startedBy: { id: string; name: string };
  startedAt: Date;
  dueAt: Date;
  endedAt: Date | null;
  healthAtStart: number | null;
  progress: Progress;
}

export interface ExecutionStep {
  id: string;
  position: number;
  title: string;
  guidance: string;
  status: StepStatus;
  note: string | null;
  outcome: string | null;
  completedBy: { id: string; name: string } | null;
  completedAt: Date | null;
}

export interface AuditEntry {
  at: Date;
  user: { id: string; name: string } | null;
  action: string;
  details: unknown;
}

/** What can be done to an execution now: one of the transitions, or working its open steps. */
export type ExecutionAction = Transition | 'resolveSteps';

export interface Execution extends ExecutionSummary {
  /** The actions that would succeed now, so clients offer only those (the state machine lives here). */
  allowedActions: ExecutionAction[];
  closingNote: string | null;
  healthNow: number | null;
  steps: ExecutionStep[];
  audit: AuditEntry[];
}

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

type ExecutionRow = Awaited<ReturnType<ReturnType<typeof executionsQuery>['executeTakeFirstOrThrow']>>;

function toSummary(r: ExecutionRow): ExecutionSummary {
  const playbook = playbookFor(r.playbook_key);
  const total = Number(r.total ?? 0);
  const done = Number(r.done ?? 0);
  const skipped = Number(r.skipped ?? 0);
  return {
    id: r.id,
    playbook: { key: playbook.key, name: playbook.name, durationDays: playbook.durationDays },
    account: { id: r.account_id, name: r.account_name },
    status: r.status,
    recommendationId: r.recommendation_id,
    startedBy: { id: r.started_by_id, name: r.started_by_name },
    startedAt: r.started_at,
    dueAt: new Date(r.started_at.getTime() + playbook.durationDays * DAY_MS),
    endedAt: r.ended_at,
    healthAtStart: r.health_at_start,
    progress: { total, done, skipped, pending: total - done - skipped, percent: total ? Math.round(((done + skipped) / total) * 100) : 0 },
  };
}

export interface ExecutionFilters {
  accountId?: string | null | undefined;
  playbookKey?: PlaybookKey | null | undefined;
  status?: ExecutionStatus | null | undefined;
}

/** Executions, newest first. */
export async function listExecutions(db: Db, tenantId: string, filters: ExecutionFilters, page: PageRequest): Promise<Page<ExecutionSummary>> {
  let q = executionsQuery(db, tenantId);
  if (filters.accountId) q = q.where('playbook_executions.account_id', '=', filters.accountId);
  if (filters.playbookKey) q = q.where('playbook_executions.playbook_key', '=', filters.playbookKey);
  if (filters.status) q = q.where('playbook_executions.status', '=', filters.status);
  const result = await paginate(
    q,
    [
      { column: sql.ref('playbook_executions.started_at'), value: (r) => r.started_at.toISOString(), direction: 'desc' },
      { column: sql.ref('playbook_executions.id'), value: (r) => r.id, direction: 'desc' },
    ],
    page,
  );
  return { items: result.items.map(toSummary), nextCursor: result.nextCursor };
}

async function loadSteps(db: Db, tenantId: string, executionId: string, playbookKey: string): Promise<ExecutionStep[]> {
  const guidance = playbookFor(playbookKey).steps;
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
    guidance: guidance[r.position - 1]?.guidance ?? '',
    status: r.status,
    note: r.note,
    outcome: r.outcome,
    completedBy: r.user_id && r.user_name ? { id: r.user_id, name: r.user_name } : null,
    completedAt: r.completed_at,
  }));
}

/** The execution's audit trail: every activity-log entry about it, oldest first. */
async function loadAudit(db: Db, tenantId: string, executionId: string): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('activity_log')
    .leftJoin('users', (j) => j.onRef('users.tenant_id', '=', 'activity_log.tenant_id').onRef('users.id', '=', 'activity_log.user_id'))
    .select(['activity_log.created_at', 'activity_log.action', 'activity_log.after', 'users.id as user_id', 'users.name as user_name'])
    .where('activity_log.tenant_id', '=', tenantId)
    .where('activity_log.resource_type', '=', RESOURCE)
    .where('activity_log.resource_id', '=', executionId)
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

export async function getExecution(db: Db, tenantId: string, id: string): Promise<Execution> {
  const row = await executionsQuery(db, tenantId).where('playbook_executions.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Playbook execution');
  const [steps, audit] = await Promise.all([loadSteps(db, tenantId, id, row.playbook_key), loadAudit(db, tenantId, id)]);
  const summary = toSummary(row);
  return {
    ...summary,
    allowedActions: allowedActions(summary.status, summary.progress.pending),
    closingNote: row.closing_note,
    healthNow: row.health_overall,
    steps,
    audit,
  };
}

export interface StartInput {
  accountId: string;
  playbookKey: PlaybookKey;
  recommendationId?: string | null | undefined;
}

export async function startExecution(db: Db, actor: Actor, input: StartInput): Promise<Execution> {
  const playbook = playbookFor(input.playbookKey);
  const account = await getAccount(db, actor.tenantId, input.accountId);
  if (account.archivedAt) throw conflict(`${account.name} is archived; restore it before starting a playbook.`);
  if (input.recommendationId) {
    const recommendation = await getRecommendation(db, actor.tenantId, input.recommendationId);
    if (recommendation.account.id !== account.id || recommendation.playbookKey !== playbook.key) {
      throw badRequest('This recommendation is for another account or playbook.', {
        recommendationId: ['The recommendation is for another account or playbook.'],
      });
    }
  }
  const started = await db
    .insertInto('playbook_executions')
    .values({
      tenant_id: actor.tenantId,
      account_id: account.id,
      playbook_key: playbook.key,
      status: 'active',
      recommendation_id: input.recommendationId ?? null,
      started_by: actor.userId as string,
      health_at_start: account.health.overall,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'account_id', 'playbook_key']).where('status', 'in', ['active', 'paused']).doNothing())
    .returning('playbook_executions.id')
    .executeTakeFirst();
  if (!started) throw conflict(`${account.name} is already running the ${playbook.name} playbook; finish or cancel it first.`);
  const steps = await db
    .insertInto('playbook_execution_steps')
    .values(
      playbook.steps.map((s, i) => ({ tenant_id: actor.tenantId, execution_id: started.id, position: i + 1, title: s.title, status: 'pending' as const })),
    )
    .returning(['playbook_execution_steps.id', 'playbook_execution_steps.position', 'playbook_execution_steps.title'])
    .execute();
  await recordActivity(db, {
    ...actor,
    action: 'playbook.start',
    resourceType: RESOURCE,
    resourceId: started.id,
    after: {
      playbook: playbook.key,
      accountId: account.id,
      account: account.name,
      recommendationId: input.recommendationId ?? null,
      healthAtStart: account.health.overall,
      tasks: steps.length,
    },
  });
  await createStepTasks(db, actor, {
    accountId: account.id,
    playbookKey: playbook.key,
    assigneeId: account.owner?.id ?? actor.userId,
    startedOn: isoDay(new Date()),
    steps,
  });
  return getExecution(db, actor.tenantId, started.id);
}

/** Reads and locks the execution row for a change; NOT_FOUND for other tenants' ids. */
async function lockExecution(db: Db, tenantId: string, id: string) {
  const row = await db
    .selectFrom('playbook_executions')
    .select(['playbook_executions.id', 'playbook_executions.status'])
    .where('playbook_executions.tenant_id', '=', tenantId)
    .where('playbook_executions.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('Playbook execution');
  return row;
}

function assertActive(status: ExecutionStatus): void {
  if (status === 'paused') throw conflict('This playbook is paused; resume it before working on its steps.');
  if (status !== 'active') throw conflict(`This playbook is ${status}; its steps can no longer change.`);
}

async function resolveStep(
  db: Db,
  actor: Actor,
  executionId: string,
  stepId: string,
  change: { status: 'done' | 'skipped'; note: string; outcome: string | null },
): Promise<Execution> {
  const execution = await lockExecution(db, actor.tenantId, executionId);
  const step = await db
    .selectFrom('playbook_execution_steps')
    .select(['playbook_execution_steps.position', 'playbook_execution_steps.title', 'playbook_execution_steps.status'])
    .where('playbook_execution_steps.tenant_id', '=', actor.tenantId)
    .where('playbook_execution_steps.execution_id', '=', executionId)
    .where('playbook_execution_steps.id', '=', stepId)
    .executeTakeFirst();
  if (!step) throw notFound('Step');
  assertActive(execution.status);
  if (step.status !== 'pending') throw conflict(`Step ${step.position} is already ${step.status}.`);
  await db
    .updateTable('playbook_execution_steps')
    .set({ status: change.status, note: change.note, outcome: change.outcome, completed_by: actor.userId, completed_at: new Date() })
    .where('playbook_execution_steps.tenant_id', '=', actor.tenantId)
    .where('playbook_execution_steps.id', '=', stepId)
    .execute();
  await recordActivity(db, {
    ...actor,
    action: change.status === 'done' ? 'playbook.step_complete' : 'playbook.step_skip',
    resourceType: RESOURCE,
    resourceId: executionId,
    before: { step: step.position, status: step.status },
    after: { step: step.position, title: step.title, status: change.status, note: change.note, outcome: change.outcome },
  });
  await closeStepTasks(db, actor, [stepId], change.status === 'done' ? 'done' : 'cancelled', change.note);
  return getExecution(db, actor.tenantId, executionId);
}

export function completeStep(db: Db, actor: Actor, executionId: string, stepId: string, note: string, outcome: string | null): Promise<Execution> {
  return resolveStep(db, actor, executionId, stepId, { status: 'done', note, outcome });
}

export function skipStep(db: Db, actor: Actor, executionId: string, stepId: string, reason: string): Promise<Execution> {
  return resolveStep(db, actor, executionId, stepId, { status: 'skipped', note: reason, outcome: null });
}

export type Transition = 'pause' | 'resume' | 'cancel' | 'complete';

const transitions: Record<Transition, { from: ExecutionStatus[]; to: ExecutionStatus; verb: string }> = {
  pause: { from: ['active'], to: 'paused', verb: 'paused' },
  resume: { from: ['paused'], to: 'active', verb: 'resumed' },
  cancel: { from: ['active', 'paused'], to: 'cancelled', verb: 'cancelled' },
  complete: { from: ['active'], to: 'completed', verb: 'completed' },
};

/** The transitions from this status (complete only once no step is open), and step work while active. */
function allowedActions(status: ExecutionStatus, pendingSteps: number): ExecutionAction[] {
  const allowed = (Object.keys(transitions) as Transition[]).filter(
    (transition) => transitions[transition].from.includes(status) && (transition !== 'complete' || pendingSteps === 0),
  );
  return status === 'active' ? [...allowed, 'resolveSteps'] : allowed;
}

/** Moves an execution to its next status; the note is kept as the closing note when it ends. */
export async function transitionExecution(db: Db, actor: Actor, id: string, transition: Transition, note: string | null): Promise<Execution> {
  const execution = await lockExecution(db, actor.tenantId, id);
  const { from, to, verb } = transitions[transition];
  if (!from.includes(execution.status)) {
    const hint = execution.status === 'paused' && transition === 'complete' ? '; resume it first' : '';
    throw conflict(`This playbook is ${execution.status} and cannot be ${verb}${hint}.`);
  }
  if (transition === 'complete') {
    const open = await db
      .selectFrom('playbook_execution_steps')
      .select(sql<number>`count(*)`.as('n'))
      .where('playbook_execution_steps.tenant_id', '=', actor.tenantId)
      .where('playbook_execution_steps.execution_id', '=', id)
      .where('playbook_execution_steps.status', '=', 'pending')
      .executeTakeFirstOrThrow();
    const pending = Number(open.n);
    if (pending > 0) throw conflict(`${pending} step${pending === 1 ? ' is' : 's are'} still open; complete or skip ${pending === 1 ? 'it' : 'them'} first.`);
  }
  const ends = to === 'completed' || to === 'cancelled';
  await db
    .updateTable('playbook_executions')
    .set({ status: to, ...(ends ? { ended_at: new Date(), closing_note: note } : {}) })
    .where('playbook_executions.tenant_id', '=', actor.tenantId)
    .where('playbook_executions.id', '=', id)
    .execute();
  await recordActivity(db, {
    ...actor,
    action: `playbook.${transition}`,
    resourceType: RESOURCE,
    resourceId: id,
    before: { status: execution.status },
    after: { status: to, ...(note ? { note } : {}) },
  });
  if (ends) await closeExecutionTasks(db, actor, id, note);
  return getExecution(db, actor.tenantId, id);
}
