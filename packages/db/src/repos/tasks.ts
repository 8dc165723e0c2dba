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
