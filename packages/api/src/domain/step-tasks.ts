import { sql } from 'kysely';
import type { Db } from '@pulse/db';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { addDays, isoDay } from './dates.js';
import { playbookFor, type Playbook } from './playbooks.js';

/**
 * Tasks made by other parts of Pulse: one per playbook step when a playbook starts (kept in
 * step with it: completing either completes both, skipping the step or ending the playbook
 * cancels the open task), and one per account when a trigger whose rule says "create a
 * task" fires. These functions only write tasks; tasks.ts is what people call.
 */

const RESOURCE = 'task';
const TRIGGER_TASK_DUE_DAYS = 3;

/** Days after the start a step is due: the playbook's duration spread evenly over its steps (step i of n at duration·i/n). */
export function stepOffsetDays(playbook: Pick<Playbook, 'durationDays'>, position: number, stepCount: number): number {
  return Math.round((playbook.durationDays * position) / stepCount);
}

/** One task per step; the playbook.start activity entry records them (its `tasks` count). */
export async function createStepTasks(
  db: Db,
  actor: Actor,
  execution: { accountId: string; playbookKey: string; assigneeId: string | null; startedOn: string; steps: { id: string; position: number; title: string }[] },
): Promise<void> {
  const playbook = playbookFor(execution.playbookKey);
  await db
    .insertInto('tasks')
    .values(
      execution.steps.map((s) => ({
        tenant_id: actor.tenantId,
        account_id: execution.accountId,
        title: `${playbook.name}: ${s.title}`.slice(0, 200),
        assignee_id: execution.assigneeId,
        due_date: addDays(execution.startedOn, stepOffsetDays(playbook, s.position, execution.steps.length)),
        source: 'playbook_step' as const,
        execution_step_id: s.id,
        created_by: actor.userId,
      })),
    )
    .execute();
}

/** Closes the open task of each step (done with the step's note, or cancelled). */
export async function closeStepTasks(db: Db, actor: Actor, stepIds: string[], status: 'done' | 'cancelled', note: string | null): Promise<void> {
  if (stepIds.length === 0) return;
  const closed = await db
    .updateTable('tasks')
    .set({
      status,
      completion_note: note,
      ...(status === 'done' ? { completed_by: actor.userId, completed_at: new Date() } : {}),
      updated_at: new Date(),
    })
    .where('tasks.tenant_id', '=', actor.tenantId)
    .where('tasks.execution_step_id', 'in', stepIds)
    .where('tasks.status', '=', 'open')
    .returning('tasks.id')
    .execute();
  for (const t of closed) {
    await recordActivity(db, {
      ...actor,
      action: status === 'done' ? 'task.complete' : 'task.cancel',
      resourceType: RESOURCE,
      resourceId: t.id,
      before: { status: 'open' },
      after: { status, note },
    });
  }
}

/** Cancels the open step tasks of an execution that ended. */
export async function closeExecutionTasks(db: Db, actor: Actor, executionId: string, note: string | null): Promise<void> {
  const steps = await db
    .selectFrom('playbook_execution_steps')
    .select('playbook_execution_steps.id')
    .where('playbook_execution_steps.tenant_id', '=', actor.tenantId)
    .where('playbook_execution_steps.execution_id', '=', executionId)
    .execute();
  await closeStepTasks(
    db,
    actor,
    steps.map((s) => s.id),
    'cancelled',
    note,
  );
}

/**
 * For each (trigger, account) that fired on a trigger with create_task, a task for the
 * account's owner due in three days, unless one from that trigger is still open.
 */
export async function createTriggerTasks(
  db: Db,
  actor: Actor,
  fired: { triggerId: string; accountId: string; playbookKey: string }[],
  now: Date,
): Promise<number> {
  if (fired.length === 0) return 0;
  const due = addDays(isoDay(now), TRIGGER_TASK_DUE_DAYS);
  const { rows } = await sql<{ id: string; title: string; account_id: string }>`
    INSERT INTO tasks (tenant_id, account_id, title, assignee_id, due_date, priority, source, trigger_id, created_by)
    SELECT a.tenant_id, a.id, f.title, a.owner_user_id, ${due}::date, 'high', 'trigger', f.trigger_id, ${actor.userId}::uuid
    FROM unnest(${fired.map((f) => f.triggerId)}::uuid[], ${fired.map((f) => f.accountId)}::uuid[], ${fired.map((f) => `Review the ${playbookFor(f.playbookKey).name} recommendation`)}::text[])
      AS f(trigger_id, account_id, title)
    JOIN accounts a ON a.tenant_id = ${actor.tenantId} AND a.id = f.account_id
    JOIN playbook_triggers t ON t.tenant_id = a.tenant_id AND t.id = f.trigger_id AND t.create_task
    WHERE NOT EXISTS (
      SELECT 1 FROM tasks x WHERE x.tenant_id = a.tenant_id AND x.account_id = a.id AND x.trigger_id = f.trigger_id AND x.status = 'open'
    )
    RETURNING id, title, account_id
  `.execute(db);
  for (const t of rows) {
    await recordActivity(db, {
      ...actor,
      action: 'task.create',
      resourceType: RESOURCE,
      resourceId: t.id,
      after: { title: t.title, dueDate: due, source: 'trigger', accountId: t.account_id },
    });
  }
  return rows.length;
}
