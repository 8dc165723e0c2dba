import { withTenant, type Db } from '@pulse/db';
import type { Actor } from '../domain/accounts.js';
import { addDays, isoDay } from '../domain/dates.js';
import { startExecution } from '../domain/executions.js';
import { assignOwner } from '../domain/owners.js';
import { createTask } from '../domain/tasks.js';

/**
 * A working day for the demo logins: the member owns a book of accounts with renewals
 * spread over the next four months (and two overdue), the admin owns another, and both
 * have tasks overdue, today and this week, plus one running playbook with its step tasks.
 * The other accounts keep the profile workbook's owner names, which match no demo user,
 * so the unmatched-owner list has something to resolve.
 */

/** Renewal offsets in days for the member's book: two overdue, then through the 120-day window. */
const RENEWALS = [-12, -3, 4, 9, 18, 27, 38, 52, 66, 81, 97, 115];
/** The rest of the member's book renews after the 120-day window. */
const LATER_RENEWALS = 130;

const TASKS = [
  { title: 'Send the QBR deck', days: -2, priority: 'high' as const },
  { title: 'Call the sponsor about adoption', days: 0, priority: 'normal' as const },
  { title: 'Review the open support tickets', days: 0, priority: 'high' as const },
  { title: 'Confirm the renewal contact', days: 3, priority: 'normal' as const },
  { title: 'Plan the onboarding of the new team', days: 5, priority: 'low' as const },
  { title: 'Share the usage report', days: 12, priority: 'normal' as const },
];

export async function seedWorkload(db: Db, actor: Actor, memberId: string): Promise<void> {
  const today = isoDay(new Date());
  await withTenant(db, actor.tenantId, async (tx) => {
    const accounts = await tx
      .selectFrom('accounts')
      .select('accounts.id')
      .where('accounts.tenant_id', '=', actor.tenantId)
      .orderBy('accounts.name_key')
      .execute();
    const memberBook = accounts.filter((_, i) => i % 4 === 0).map((a) => a.id);
    const adminBook = accounts.filter((_, i) => i % 4 === 1).map((a) => a.id);
    await assignOwner(tx, actor, memberBook, memberId);
    await assignOwner(tx, actor, adminBook, actor.userId);
    for (const [i, id] of memberBook.entries()) {
      await tx
        .updateTable('accounts')
        .set({ renewal_date: addDays(today, RENEWALS[i] ?? LATER_RENEWALS + 9 * i) })
        .where('accounts.tenant_id', '=', actor.tenantId)
        .where('accounts.id', '=', id)
        .execute();
    }
    const member = { ...actor, userId: memberId };
    for (const [i, t] of TASKS.entries()) {
      const accountId = memberBook[i % memberBook.length] as string;
      await createTask(tx, member, { accountId, title: t.title, dueDate: addDays(today, t.days), priority: t.priority });
      await createTask(tx, actor, {
        accountId: adminBook[i % adminBook.length] as string,
        title: t.title,
        dueDate: addDays(today, t.days + 1),
        priority: t.priority,
      });
    }
    await startExecution(tx, member, { accountId: memberBook[1] as string, playbookKey: 'renewal_safeguard' });
  });
}
