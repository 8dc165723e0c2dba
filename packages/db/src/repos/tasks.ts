import { sql, type Updateable } from 'kysely';
import { paginate, type KeyPart, type Page, type PageRequest } from '../pagination.js';
import type { TaskPriority, TaskStatus, TasksTable } from '../schema.js';
import type { Db } from '../tenancy.js';

export interface OverdueTask {
  id: string;
  title: string;
  dueDate: string;
  accountId: string;
  accountName: string;
  assigneeId: string | null;
  /** The account's owner, who answers for an unassigned task. */
  ownerId: string | null;
  /** Set for the task of a playbook step. */
  executionStepId: string | null;
}

/** Open tasks due before `today` (YYYY-MM-DD), earliest first. */
export async function overdueTasks(db: Db, tenantId: string, today: string): Promise<OverdueTask[]> {
  const rows = await db
    .selectFrom('tasks as t')
    .innerJoin('accounts as a', (j) => j.onRef('a.tenant_id', '=', 't.tenant_id').onRef('a.id', '=', 't.account_id'))
    .select(['t.id', 't.title', 't.due_date', 't.account_id', 'a.name as account_name', 't.assignee_id', 'a.owner_user_id', 't.execution_step_id'])
    .where('t.tenant_id', '=', tenantId)
    .where('t.status', '=', 'open')
    .where('t.due_date', '<', today)
    .orderBy('t.due_date')
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    dueDate: r.due_date,
    accountId: r.account_id,
    accountName: r.account_name,
    assigneeId: r.assignee_id,
    ownerId: r.owner_user_id,
    executionStepId: r.execution_step_id,
  }));
}

function tasksQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('tasks')
    .innerJoin('accounts', (j) => j.onRef('accounts.tenant_id', '=', 'tasks.tenant_id').onRef('accounts.id', '=', 'tasks.account_id'))
    .leftJoin('users as assignee', (j) => j.onRef('assignee.tenant_id', '=', 'tasks.tenant_id').onRef('assignee.id', '=', 'tasks.assignee_id'))
    .leftJoin('playbook_execution_steps as step', (j) => j.onRef('step.tenant_id', '=', 'tasks.tenant_id').onRef('step.id', '=', 'tasks.execution_step_id'))
    .select([
      'tasks.id',
      'tasks.title',
      'tasks.account_id',
      'accounts.name as account_name',
      'tasks.assignee_id',
      'assignee.name as assignee_name',
      'tasks.due_date',
      'tasks.priority',
      'tasks.status',
      'tasks.source',
      'tasks.execution_step_id',
      'step.execution_id',
      'tasks.trigger_id',
      'tasks.completion_note',
      'tasks.completed_at',
      'tasks.created_at',
    ])
    .where('tasks.tenant_id', '=', tenantId);
}

export type TaskRow = Awaited<ReturnType<ReturnType<typeof tasksQuery>['executeTakeFirstOrThrow']>>;

export interface TaskListFilters {
  assigneeId?: string | null | undefined;
  accountId?: string | null | undefined;
  status?: TaskStatus | null | undefined;
  /** Only open tasks due before `before`, or from `from` to `to` (YYYY-MM-DD, each optional). */
  openDue?: { before?: string; from?: string; to?: string } | null | undefined;
}

const byDueDate: KeyPart<TaskRow>[] = [
  { column: sql.ref('tasks.due_date'), value: (r) => r.due_date },
  { column: sql.ref('tasks.id'), value: (r) => r.id },
];

/** Tasks by due date (earliest first), keyset-paginated. */
export async function listTasks(db: Db, tenantId: string, filters: TaskListFilters, page: PageRequest): Promise<Page<TaskRow>> {
  let q = tasksQuery(db, tenantId);
  if (filters.assigneeId) q = q.where('tasks.assignee_id', '=', filters.assigneeId);
  if (filters.accountId) q = q.where('tasks.account_id', '=', filters.accountId);
  if (filters.status) q = q.where('tasks.status', '=', filters.status);
  if (filters.openDue) {
    q = q.where('tasks.status', '=', 'open');
    if (filters.openDue.before !== undefined) q = q.where('tasks.due_date', '<', filters.openDue.before);
    if (filters.openDue.from !== undefined) q = q.where('tasks.due_date', '>=', filters.openDue.from);
    if (filters.openDue.to !== undefined) q = q.where('tasks.due_date', '<=', filters.openDue.to);
  }
  return paginate(q, byDueDate, page);
}

export async function findTask(db: Db, tenantId: string, id: string): Promise<TaskRow | undefined> {
  return tasksQuery(db, tenantId).where('tasks.id', '=', id).executeTakeFirst();
}

export interface OpenTaskCounts {
  open: number;
  overdue: number;
  today: number;
  /** Due today or in the six days after. */
  week: number;
}

/** Counts of open tasks (of one assignee, or everyone's with null) by due window around `today`. */
export async function countOpenTasks(db: Db, tenantId: string, assigneeId: string | null, today: string, weekEnd: string): Promise<OpenTaskCounts> {
  let q = db
    .selectFrom('tasks')
    .select([
      sql<number>`count(*)`.as('open'),
      sql<number>`count(*) FILTER (WHERE tasks.due_date < ${today}::date)`.as('overdue'),
      sql<number>`count(*) FILTER (WHERE tasks.due_date = ${today}::date)`.as('today'),
      sql<number>`count(*) FILTER (WHERE tasks.due_date BETWEEN ${today}::date AND ${weekEnd}::date)`.as('week'),
    ])
    .where('tasks.tenant_id', '=', tenantId)
    .where('tasks.status', '=', 'open');
  if (assigneeId) q = q.where('tasks.assignee_id', '=', assigneeId);
  const r = await q.executeTakeFirstOrThrow();
  return { open: Number(r.open), overdue: Number(r.overdue), today: Number(r.today), week: Number(r.week) };
}

export interface NewManualTask {
  accountId: string;
  title: string;
  assigneeId: string | null;
  dueDate: string;
  priority: TaskPriority;
  createdBy: string | null;
}

/** Stores a task made by hand; returns its id. */
export async function insertManualTask(db: Db, tenantId: string, task: NewManualTask): Promise<string> {
  const row = await db
    .insertInto('tasks')
    .values({
      tenant_id: tenantId,
      account_id: task.accountId,
      title: task.title,
      assignee_id: task.assigneeId,
      due_date: task.dueDate,
      priority: task.priority,
      source: 'manual',
      created_by: task.createdBy,
    })
    .returning('tasks.id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The task's editable state, its row locked until the transaction ends; undefined when not the tenant's. */
export async function lockTask(db: Db, tenantId: string, id: string) {
  return db
    .selectFrom('tasks')
    .select(['tasks.id', 'tasks.title', 'tasks.due_date', 'tasks.priority', 'tasks.assignee_id', 'tasks.status', 'tasks.execution_step_id'])
    .where('tasks.tenant_id', '=', tenantId)
    .where('tasks.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Changes these columns of the task and its updated_at. */
export async function updateTaskRow(
  db: Db,
  tenantId: string,
  id: string,
  values: Omit<Updateable<TasksTable>, 'tenant_id' | 'id' | 'updated_at'>,
): Promise<void> {
  await db
    .updateTable('tasks')
    .set({ ...values, updated_at: new Date() })
    .where('tasks.tenant_id', '=', tenantId)
    .where('tasks.id', '=', id)
    .execute();
}

/** The execution a playbook step belongs to. */
export async function executionOfStep(db: Db, tenantId: string, stepId: string): Promise<string> {
  const step = await db
    .selectFrom('playbook_execution_steps')
    .select('playbook_execution_steps.execution_id')
    .where('playbook_execution_steps.tenant_id', '=', tenantId)
    .where('playbook_execution_steps.id', '=', stepId)
    .executeTakeFirstOrThrow();
  return step.execution_id;
}

export interface NewStepTask {
  accountId: string;
  title: string;
  assigneeId: string | null;
  dueDate: string;
  executionStepId: string;
  createdBy: string | null;
}

/** Stores the tasks of playbook steps. */
export async function insertStepTasks(db: Db, tenantId: string, stepTasks: NewStepTask[]): Promise<void> {
  await db
    .insertInto('tasks')
    .values(
      stepTasks.map((t) => ({
        tenant_id: tenantId,
        account_id: t.accountId,
        title: t.title,
        assignee_id: t.assigneeId,
        due_date: t.dueDate,
        source: 'playbook_step' as const,
        execution_step_id: t.executionStepId,
        created_by: t.createdBy,
      })),
    )
    .execute();
}

/** Marks the open tasks of these steps done (by `by`, now) or cancelled, with the note; returns their ids. */
export async function closeOpenStepTasks(
  db: Db,
  tenantId: string,
  stepIds: string[],
  status: 'done' | 'cancelled',
  note: string | null,
  by: string | null,
): Promise<string[]> {
  const closed = await db
    .updateTable('tasks')
    .set({
      status,
      completion_note: note,
      ...(status === 'done' ? { completed_by: by, completed_at: new Date() } : {}),
      updated_at: new Date(),
    })
    .where('tasks.tenant_id', '=', tenantId)
    .where('tasks.execution_step_id', 'in', stepIds)
    .where('tasks.status', '=', 'open')
    .returning('tasks.id')
    .execute();
  return closed.map((t) => t.id);
}

/** The ids of an execution's steps. */
export async function executionStepIds(db: Db, tenantId: string, executionId: string): Promise<string[]> {
  const steps = await db
    .selectFrom('playbook_execution_steps')
    .select('playbook_execution_steps.id')
    .where('playbook_execution_steps.tenant_id', '=', tenantId)
    .where('playbook_execution_steps.execution_id', '=', executionId)
    .execute();
  return steps.map((s) => s.id);
}

export interface FiredTrigger {
  triggerId: string;
  accountId: string;
  title: string;
}

/**
 * For each fired (trigger, account) whose trigger has create_task, a high-priority task for
 * the account's owner, unless one from that trigger is still open on the account; returns
 * the tasks it stored.
 */
export async function insertTriggerTasks(
  db: Db,
  tenantId: string,
  fired: FiredTrigger[],
  dueDate: string,
  createdBy: string | null,
): Promise<{ id: string; title: string; account_id: string }[]> {
  const { rows } = await sql<{ id: string; title: string; account_id: string }>`
    INSERT INTO tasks (tenant_id, account_id, title, assignee_id, due_date, priority, source, trigger_id, created_by)
    SELECT a.tenant_id, a.id, f.title, a.owner_user_id, ${dueDate}::date, 'high', 'trigger', f.trigger_id, ${createdBy}::uuid
    FROM unnest(${fired.map((f) => f.triggerId)}::uuid[], ${fired.map((f) => f.accountId)}::uuid[], ${fired.map((f) => f.title)}::text[])
      AS f(trigger_id, account_id, title)
    JOIN accounts a ON a.tenant_id = ${tenantId} AND a.id = f.account_id
    JOIN playbook_triggers t ON t.tenant_id = a.tenant_id AND t.id = f.trigger_id AND t.create_task
    WHERE NOT EXISTS (
      SELECT 1 FROM tasks x WHERE x.tenant_id = a.tenant_id AND x.account_id = a.id AND x.trigger_id = f.trigger_id AND x.status = 'open'
    )
    RETURNING id, title, account_id
  `.execute(db);
  return rows;
}
