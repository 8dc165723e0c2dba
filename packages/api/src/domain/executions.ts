import { executions as repo, type Db, type ExecutionStatus, type Page, type PageRequest } from '@pulse/db';
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

export type ExecutionStep = repo.ExecutionStepRow & { guidance: string };

export type AuditEntry = repo.AuditRow;

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

function toSummary(r: repo.ExecutionRow): ExecutionSummary {
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

/** Executions, newest first. */
export async function listExecutions(db: Db, tenantId: string, filters: repo.ExecutionFilters, page: PageRequest): Promise<Page<ExecutionSummary>> {
  const result = await repo.listExecutionRows(db, tenantId, filters, page);
  return { items: result.items.map(toSummary), nextCursor: result.nextCursor };
}

async function loadSteps(db: Db, tenantId: string, executionId: string, playbookKey: string): Promise<ExecutionStep[]> {
  const guidance = playbookFor(playbookKey).steps;
  const rows = await repo.listExecutionSteps(db, tenantId, executionId);
  return rows.map((r) => ({ ...r, guidance: guidance[r.position - 1]?.guidance ?? '' }));
}

export async function getExecution(db: Db, tenantId: string, id: string): Promise<Execution> {
  const row = await repo.findExecution(db, tenantId, id);
  if (!row) throw notFound('Playbook execution');
  const [steps, audit] = await Promise.all([loadSteps(db, tenantId, id, row.playbook_key), repo.listResourceAudit(db, tenantId, RESOURCE, id)]);
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
  const started = await repo.insertExecution(db, actor.tenantId, {
    accountId: account.id,
    playbookKey: playbook.key,
    recommendationId: input.recommendationId ?? null,
    startedBy: actor.userId as string,
    healthAtStart: account.health.overall,
    steps: playbook.steps.map((s) => s.title),
  });
  if (!started) throw conflict(`${account.name} is already running the ${playbook.name} playbook; finish or cancel it first.`);
  const { steps } = started;
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
  const row = await repo.lockExecution(db, tenantId, id);
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
  const step = await repo.findExecutionStep(db, actor.tenantId, executionId, stepId);
  if (!step) throw notFound('Step');
  assertActive(execution.status);
  if (step.status !== 'pending') throw conflict(`Step ${step.position} is already ${step.status}.`);
  await repo.resolveExecutionStep(db, actor.tenantId, stepId, { ...change, completedBy: actor.userId, completedAt: new Date() });
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
    const pending = await repo.countPendingSteps(db, actor.tenantId, id);
    if (pending > 0) throw conflict(`${pending} step${pending === 1 ? ' is' : 's are'} still open; complete or skip ${pending === 1 ? 'it' : 'them'} first.`);
  }
  const ends = to === 'completed' || to === 'cancelled';
  await repo.setExecutionStatus(db, actor.tenantId, id, to, ends ? { endedAt: new Date(), closingNote: note } : null);
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
