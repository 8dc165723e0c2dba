import { withTenant, type Db, type NoteKind } from '@pulse/db';
import type { Actor } from '../domain/accounts.js';
import { createNote } from '../domain/notes.js';
import { setSentiment } from '../domain/sentiment.js';

/**
 * Account memory for the demo: the first accounts of the member's book that have health get a
 * few notes written by the member and the admin, and the member's sentiment for their latest
 * period, so each timeline tells a story on first start and the notes search finds something.
 */

const ACCOUNTS = 6;
const DAY_MS = 86_400_000;

const NOTES: { kind: NoteKind; daysAgo: number; byAdmin: boolean; participants: string[]; body: string }[] = [
  {
    kind: 'call',
    daysAgo: 3,
    byAdmin: false,
    participants: ['Dana Whitfield (VP Operations)'],
    body: 'Renewal check-in. Budget is **approved**, but they want the reporting add-on included.\n\n- Send the revised quote by Friday\n- Book a QBR before the renewal date',
  },
  {
    kind: 'meeting',
    daysAgo: 17,
    byAdmin: true,
    participants: ['Dana Whitfield (VP Operations)', 'Sam Ortega (IT lead)'],
    body: 'Quarterly business review. Adoption of the mobile app is slow in the field teams; agreed an *activation sprint* for next month.',
  },
  {
    kind: 'email',
    daysAgo: 30,
    byAdmin: false,
    participants: ['Sam Ortega (IT lead)'],
    body: 'Support escalation about SSO timeouts closed. Sam confirmed the fix and asked for the [status page](https://status.example.com) link.',
  },
];

/** Sentiment per account, in book order: a spread from red to green. */
const SENTIMENT = [
  { value: 2, comment: 'Sponsor is leaving in the spring and nobody has picked up the renewal yet.' },
  { value: 4, comment: 'Strong QBR; they asked about the analytics tier.' },
  { value: 3, comment: 'Usage is steady but the champion is stretched thin.' },
  { value: 5, comment: 'Reference customer; happy to speak at the user group.' },
  { value: 1, comment: 'Escalation over outages; the CTO mentioned evaluating alternatives.' },
  { value: 4, comment: 'Onboarding of the second team went well.' },
];

export async function seedMemory(db: Db, actor: Actor & { userId: string }, memberId: string, now = new Date()): Promise<void> {
  await withTenant(db, actor.tenantId, async (tx) => {
    const accounts = await tx
      .selectFrom('accounts')
      .select(['accounts.id', 'accounts.health_period'])
      .where('accounts.tenant_id', '=', actor.tenantId)
      .where('accounts.owner_user_id', '=', memberId)
      .where('accounts.health_period', 'is not', null)
      .orderBy('accounts.name_key')
      .limit(ACCOUNTS)
      .execute();
    const member = { ...actor, userId: memberId, role: 'member' as const };
    for (const [i, account] of accounts.entries()) {
      for (const note of NOTES) {
        await createNote(tx, note.byAdmin ? actor : member, {
          accountId: account.id,
          kind: note.kind,
          occurredAt: new Date(now.getTime() - (note.daysAgo + i) * DAY_MS).toISOString(),
          participants: note.participants,
          body: note.body,
        });
      }
      const sentiment = SENTIMENT[i % SENTIMENT.length] as (typeof SENTIMENT)[number];
      await setSentiment(tx, member, { accountId: account.id, period: account.health_period as string, ...sentiment });
    }
  });
}
