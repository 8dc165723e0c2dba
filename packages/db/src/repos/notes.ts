import { sql, type Kysely } from 'kysely';
import { paginate, type KeyPart, type Page, type PageRequest } from '../pagination.js';
import type { Database, NoteKind } from '../schema.js';

type Q = Kysely<Database>;

export interface NewNote {
  accountId: string;
  authorId: string;
  kind: NoteKind;
  occurredAt: Date;
  participants: string[];
  body: string;
}

export interface NoteRow {
  id: string;
  account_id: string;
  account_name: string;
  author_id: string;
  author_name: string;
  kind: NoteKind;
  occurred_at: Date;
  participants: string[];
  body: string;
  created_at: Date;
}

function notesQuery(db: Q, tenantId: string) {
  return db
    .selectFrom('notes')
    .innerJoin('accounts', (j) => j.onRef('accounts.tenant_id', '=', 'notes.tenant_id').onRef('accounts.id', '=', 'notes.account_id'))
    .innerJoin('users', (j) => j.onRef('users.tenant_id', '=', 'notes.tenant_id').onRef('users.id', '=', 'notes.author_id'))
    .select([
      'notes.id',
      'notes.account_id',
      'accounts.name as account_name',
      'notes.author_id',
      'users.name as author_name',
      'notes.kind',
      'notes.occurred_at',
      'notes.participants',
      'notes.body',
      'notes.created_at',
    ])
    .where('notes.tenant_id', '=', tenantId);
}

/** Stores a note; returns it as listed. */
export async function insertNote(db: Q, tenantId: string, note: NewNote): Promise<NoteRow> {
  const row = await db
    .insertInto('notes')
    .values({
      tenant_id: tenantId,
      account_id: note.accountId,
      author_id: note.authorId,
      kind: note.kind,
      occurred_at: note.occurredAt,
      participants: note.participants,
      body: note.body,
    })
    .returning('notes.id')
    .executeTakeFirstOrThrow();
  return notesQuery(db, tenantId).where('notes.id', '=', row.id).executeTakeFirstOrThrow();
}

const newestFirst: KeyPart<NoteRow>[] = [
  { column: sql.ref('notes.occurred_at'), value: (r) => r.occurred_at.toISOString(), direction: 'desc' },
  { column: sql.ref('notes.id'), value: (r) => r.id, direction: 'desc' },
];

/**
 * The tenant's notes matching a tsquery (text in to_tsquery syntax, 'simple' configuration),
 * newest first through the GIN index on notes.search. Newest first, not by rank: the cursor
 * is then (occurred_at, id), stable however many notes are added while someone pages.
 */
export async function searchNotes(db: Q, tenantId: string, tsquery: string, page: PageRequest): Promise<Page<NoteRow>> {
  const q = notesQuery(db, tenantId).where(sql<boolean>`notes.search @@ to_tsquery('simple', ${tsquery})`);
  return paginate(q, newestFirst, page);
}
