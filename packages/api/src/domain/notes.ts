import { notes, type Db, type NoteKind, type Page, type PageRequest } from '@pulse/db';
import { badRequest } from '../errors.js';
import { getAccount, type Actor } from './accounts.js';
import { recordActivity } from './activity.js';

/**
 * Notes: what people on the account team write down about an account (a call, a meeting,
 * an email or a plain note), in Markdown. They show on the account's timeline and are
 * searched across the organisation with PostgreSQL full-text search (repos/notes.ts).
 */

export interface Note {
  id: string;
  account: { id: string; name: string };
  author: { id: string; name: string };
  kind: NoteKind;
  occurredAt: Date;
  participants: string[];
  /** Markdown. */
  body: string;
  createdAt: Date;
}

export interface NoteInput {
  accountId: string;
  kind: NoteKind;
  occurredAt: string;
  participants?: string[] | null | undefined;
  body: string;
}

function toNote(r: notes.NoteRow): Note {
  return {
    id: r.id,
    account: { id: r.account_id, name: r.account_name },
    author: { id: r.author_id, name: r.author_name },
    kind: r.kind,
    occurredAt: r.occurred_at,
    participants: r.participants,
    body: r.body,
    createdAt: r.created_at,
  };
}

/** Writes a note on an account of the actor's tenant (another tenant's account is NOT_FOUND). */
export async function createNote(db: Db, actor: Actor & { userId: string }, input: NoteInput): Promise<Note> {
  const account = await getAccount(db, actor.tenantId, input.accountId);
  const participants = [...new Set(input.participants ?? [])];
  const note = await notes.insertNote(db, actor.tenantId, {
    accountId: account.id,
    authorId: actor.userId,
    kind: input.kind,
    occurredAt: new Date(input.occurredAt),
    participants,
    body: input.body,
  });
  await recordActivity(db, {
    ...actor,
    action: 'note.create',
    resourceType: 'note',
    resourceId: note.id,
    after: { accountId: account.id, account: account.name, kind: input.kind, occurredAt: input.occurredAt, participants },
  });
  return toNote(note);
}

/**
 * The search words of a query as a prefix tsquery: every word must occur, each as a word or
 * the start of one ("renew" finds "renewal"). Only letters and digits are kept, so no input
 * can break the tsquery syntax.
 */
export function searchQuery(query: string): string {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) throw badRequest('Enter at least one word to search for.', { query: ['Enter at least one word to search for.'] });
  return [...new Set(words)].map((w) => `${w}:*`).join(' & ');
}

/** Notes of the whole organisation matching every word of the query, newest first. */
export async function searchNotes(db: Db, tenantId: string, query: string, page: PageRequest): Promise<Page<Note>> {
  const result = await notes.searchNotes(db, tenantId, searchQuery(query), page);
  return { items: result.items.map(toNote), nextCursor: result.nextCursor };
}
