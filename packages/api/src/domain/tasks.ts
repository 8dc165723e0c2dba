import { tasks, users, type Db, type Page, type PageRequest, type TaskPriority, type TaskSource, type TaskStatus } from '@pulse/db';
import { conflict, notFound } from '../errors.js';
import { getAccount, type Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { addDays, isoDay } from './dates.js';
import { completeStep } from './executions.js';
import { resolveBookOwner } from './owners.js';
import type { Caller } from './views.js';

/**
 * Tasks: a piece of work on an account for one person, due on a day. People create them
 * by hand; playbooks and triggers create them too (step-tasks.ts). A task made for a
 * playbook step is completed through the step, so completing either completes both.
 */

const RESOURCE = 'task';

export type DueWindow = 'overdue' | 'today' | 'week';

export interface Task {
  id: string;
  title: string;
  account: { id: string; name: string };
  assignee: { id: string; name: string } | null;
  dueDate: string;
  priority: TaskPriority;
  status: TaskStatus;
  source: TaskSource;
  /** For playbook-step tasks: the execution and step it stands for. */
  playbookStep: { executionId: string; stepId: string } | null;
  triggerId: string | null;
  completionNote: string | null;
  completedAt: Date | null;
  createdAt: Date;
  /** Open and due before today. */
  overdue: boolean;
}

type TaskRow = tasks.TaskRow;

function toTask(r: TaskRow, today: string): Task {
  return {
    id: r.id,
    title: r.title,
    account: { id: r.account_id, name: r.account_name },
    assignee: r.assignee_id && r.assignee_name ? { id: r.assignee_id, name: r.assignee_name } : null,
    dueDate: r.due_date,
    priority: r.priority,
    status: r.status,
    source: r.source,
    playbookStep: r.execution_step_id && r.execution_id ? { executionId: r.execution_id, stepId: r.execution_step_id } : null,
    triggerId: r.trigger_id,
    completionNote: r.completion_note,
    completedAt: r.completed_at,
    createdAt: r.created_at,
    overdue: r.status === 'open' && r.due_date < today,
  };
}

export interface TaskFilters {
  /** Already resolved from 'me'; null for everyone's. */
  assigneeId?: string | null | undefined;
  accountId?: string | null | undefined;
  status?: TaskStatus | null | undefined;
  /** Open tasks due before today, today, or in the seven days from today. */
  due?: DueWindow | null | undefined;
}

/** The tasks list with whose tasks it shows as the caller named them ('me', a user's id, or null for everyone's). */
export async function listBookTasks(
  db: Db,
  caller: Caller,
  filters: Omit<TaskFilters, 'assigneeId'> & { assignee?: string | null | undefined },
  page: PageRequest,
): Promise<Page<Task>> {
  const { assignee, ...rest } = filters;
  return listTasks(db, caller.tenantId, { ...rest, assigneeId: await resolveBookOwner(db, caller, assignee) }, page);
}

/** Tasks by due date (earliest first), keyset-paginated. */
export async function listTasks(db: Db, tenantId: string, filters: TaskFilters, page: PageRequest, now = new Date()): Promise<Page<Task>> {
  const today = isoDay(now);
  const openDue = filters.due ? dueRange(filters.due, today) : null;
  const result = await tasks.listTasks(db, tenantId, { assigneeId: filters.assigneeId, accountId: filters.accountId, status: filters.status, openDue }, page);
  return { items: result.items.map((r) => toTask(r, today)), nextCursor: result.nextCursor };
}

/** The due dates of a window: before today, today, or today and the six days after. */
function dueRange(due: DueWindow, today: string): { before?: string; from?: string; to?: string } {
  if (due === 'overdue') return { before: today };
  if (due === 'today') return { from: today, to: today };
  return { from: today, to: addDays(today, 6) };
}

export type TaskCounts = tasks.OpenTaskCounts;

/** Open tasks by due window of the assignee the caller named ('me', a user's id, or null for everyone's). */
export async function bookTaskCounts(db: Db, caller: Caller, assignee: string | null): Promise<TaskCounts> {
  return taskCounts(db, caller.tenantId, await resolveBookOwner(db, caller, assignee));
}

/** Counts of open tasks by due window, for the dashboard. */
export async function taskCounts(db: Db, tenantId: string, assigneeId: string | null, now = new Date()): Promise<TaskCounts> {
  const today = isoDay(now);
  return tasks.countOpenTasks(db, tenantId, assigneeId, today, addDays(today, 6));
}

export async function getTask(db: Db, tenantId: string, id: string, now = new Date()): Promise<Task> {
  const row = await tasks.findTask(db, tenantId, id);
  if (!row) throw notFound('Task');
  return toTask(row, isoDay(now));
}

/** An active user of the tenant who can be given a task. */
async function assignable(db: Db, tenantId: string, userId: string): Promise<string> {
  const user = await users.findUser(db, tenantId, userId);
  if (!user) throw notFound('User');
  if (!user.active) throw conflict(`${user.name} is deactivated and cannot be given tasks.`);
  return user.id;
}

export interface NewTask {
  accountId: string;
  title: string;
  dueDate: string;
  priority?: TaskPriority | undefined;
  /** Defaults to the person creating the task. */
  assigneeId?: string | null | undefined;
}

export async function createTask(db: Db, actor: Actor, input: NewTask): Promise<Task> {
  const account = await getAccount(db, actor.tenantId, input.accountId);
  if (account.archivedAt) throw conflict(`${account.name} is archived; restore it before adding tasks.`);
  const assigneeId = input.assigneeId === null ? null : await assignable(db, actor.tenantId, input.assigneeId ?? (actor.userId as string));
  const id = await tasks.insertManualTask(db, actor.tenantId, {
    accountId: account.id,
    title: input.title,
    assigneeId,
    dueDate: input.dueDate,
    priority: input.priority ?? 'normal',
    createdBy: actor.userId,
  });
  await recordActivity(db, {
    ...actor,
    action: 'task.create',
    resourceType: RESOURCE,
    resourceId: id,
    after: { accountId: account.id, title: input.title, dueDate: input.dueDate, priority: input.priority ?? 'normal', assigneeId, source: 'manual' },
  });
  return getTask(db, actor.tenantId, id);
}

export interface TaskChanges {
  title?: string | undefined;
  dueDate?: string | undefined;
  priority?: TaskPriority | undefined;
  assigneeId?: string | null | undefined;
  /** Reopen a done or cancelled task, or cancel an open one. */
  status?: 'open' | 'cancelled' | undefined;
}

async function lockTask(db: Db, tenantId: string, id: string) {
  const row = await tasks.lockTask(db, tenantId, id);
  if (!row) throw notFound('Task');
  return row;
}

/** Reschedules, renames, reprioritises, reassigns, cancels or reopens a task. */
export async function updateTask(db: Db, actor: Actor, id: string, changes: TaskChanges): Promise<Task> {
  const task = await lockTask(db, actor.tenantId, id);
  if (changes.status !== undefined && changes.status !== task.status && task.execution_step_id) {
    throw conflict('This task is a playbook step; complete or skip the step in the playbook instead.');
  }
  const assigneeId = changes.assigneeId ? await assignable(db, actor.tenantId, changes.assigneeId) : changes.assigneeId;
  const reopening = changes.status === 'open' && task.status !== 'open';
  await tasks.updateTaskRow(db, actor.tenantId, id, {
    ...(changes.title !== undefined ? { title: changes.title } : {}),
    ...(changes.dueDate !== undefined ? { due_date: changes.dueDate } : {}),
    ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
    ...(assigneeId !== undefined ? { assignee_id: assigneeId } : {}),
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(reopening ? { completion_note: null, completed_by: null, completed_at: null } : {}),
  });
  const before = {
    title: task.title,
    dueDate: task.due_date,
    priority: task.priority,
    assigneeId: task.assignee_id,
    status: task.status,
  };
  const after = { ...changes, ...(assigneeId !== undefined ? { assigneeId } : {}) };
  await recordActivity(db, {
    ...actor,
    action: 'task.update',
    resourceType: RESOURCE,
    resourceId: id,
    before: Object.fromEntries(Object.keys(after).map((k) => [k, before[k as keyof typeof before]])),
    after,
  });
  return getTask(db, actor.tenantId, id);
}

/** Marks a task done with an optional note; a playbook-step task completes its step too. */
export async function completeTask(db: Db, actor: Actor, id: string, note: string | null): Promise<Task> {
  const task = await lockTask(db, actor.tenantId, id);
  if (task.status !== 'open') throw conflict(`This task is already ${task.status === 'done' ? 'done' : 'cancelled'}.`);
  if (task.execution_step_id) {
    const executionId = await tasks.executionOfStep(db, actor.tenantId, task.execution_step_id);
    await completeStep(db, actor, executionId, task.execution_step_id, note ?? 'Completed from the task list.', null);
    return getTask(db, actor.tenantId, id);
  }
  await tasks.updateTaskRow(db, actor.tenantId, id, { status: 'done', completion_note: note, completed_by: actor.userId, completed_at: new Date() });
  await recordActivity(db, {
    ...actor,
    action: 'task.complete',
    resourceType: RESOURCE,
    resourceId: id,
    before: { status: 'open' },
    after: { status: 'done', note },
  });
  return getTask(db, actor.tenantId, id);
}
