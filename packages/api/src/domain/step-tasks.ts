import { tasks, type Db } from '@pulse/db';
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
  await tasks.insertStepTasks(
    db,
    actor.tenantId,
    execution.steps.map((s) => ({
      accountId: execution.accountId,
      title: `${playbook.name}: ${s.title}`.slice(0, 200),
      assigneeId: execution.assigneeId,
      dueDate: addDays(execution.startedOn, stepOffsetDays(playbook, s.position, execution.steps.length)),
      executionStepId: s.id,
      createdBy: actor.userId,
    })),
  );
}

/** Closes the open task of each step (done with the step's note, or cancelled). */
export async function closeStepTasks(db: Db, actor: Actor, stepIds: string[], status: 'done' | 'cancelled', note: string | null): Promise<void> {
  if (stepIds.length === 0) return;
  const closed = await tasks.closeOpenStepTasks(db, actor.tenantId, stepIds, status, note, actor.userId);
  for (const id of closed) {
    await recordActivity(db, {
      ...actor,
      action: status === 'done' ? 'task.complete' : 'task.cancel',
      resourceType: RESOURCE,
      resourceId: id,
      before: { status: 'open' },
      after: { status, note },
    });
  }
}

/** Cancels the open step tasks of an execution that ended. */
export async function closeExecutionTasks(db: Db, actor: Actor, executionId: string, note: string | null): Promise<void> {
  await closeStepTasks(db, actor, await tasks.executionStepIds(db, actor.tenantId, executionId), 'cancelled', note);
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
  const rows = await tasks.insertTriggerTasks(
    db,
    actor.tenantId,
    fired.map((f) => ({ triggerId: f.triggerId, accountId: f.accountId, title: `Review the ${playbookFor(f.playbookKey).name} recommendation` })),
    due,
    actor.userId,
  );
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
