import { sql, type Kysely } from 'kysely';
import type { Database, ViewState } from '../schema.js';
import { paginate, type Page, type PageRequest } from '../pagination.js';

/** Saved views of the accounts list: the user's own and those shared in the organisation. */

export interface SavedViewRow {
  id: string;
  userId: string;
  ownerName: string;
  name: string;
  shared: boolean;
  state: ViewState;
  updatedAt: Date;
}

function visible(db: Kysely<Database>, tenantId: string, userId: string) {
  return db
    .selectFrom('saved_views')
    .innerJoin('users', (j) => j.onRef('users.tenant_id', '=', 'saved_views.tenant_id').onRef('users.id', '=', 'saved_views.user_id'))
    .select([
      'saved_views.id',
      'saved_views.user_id',
      'users.name as owner_name',
      'saved_views.name',
      'saved_views.name_key',
      'saved_views.shared',
      'saved_views.state',
      'saved_views.updated_at',
    ])
    .where('saved_views.tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('saved_views.user_id', '=', userId), eb('saved_views.shared', '=', true)]));
}

type Row = Awaited<ReturnType<ReturnType<typeof visible>['executeTakeFirstOrThrow']>>;

const toView = (r: Row): SavedViewRow => ({
  id: r.id,
  userId: r.user_id,
  ownerName: r.owner_name,
  name: r.name,
  shared: r.shared,
  state: r.state,
  updatedAt: r.updated_at,
});

/** The views the user sees, by name. */
export async function listViews(db: Kysely<Database>, tenantId: string, userId: string, page: PageRequest): Promise<Page<SavedViewRow>> {
  const result = await paginate(
    visible(db, tenantId, userId),
    [
      { column: sql.ref('saved_views.name_key'), value: (r) => r.name_key },
      { column: sql.ref('saved_views.id'), value: (r) => r.id },
    ],
    page,
  );
  return { items: result.items.map(toView), nextCursor: result.nextCursor };
}

/** One view the user sees; null when it does not exist, is another tenant's or another user's private view. */
export async function findView(db: Kysely<Database>, tenantId: string, userId: string, id: string): Promise<SavedViewRow | null> {
  const row = await visible(db, tenantId, userId).where('saved_views.id', '=', id).executeTakeFirst();
  return row ? toView(row) : null;
}

export interface ViewValues {
  name: string;
  shared: boolean;
  state: ViewState;
}

const values = (v: ViewValues) => ({ name: v.name, name_key: v.name.trim().toLowerCase(), shared: v.shared, state: JSON.stringify(v.state) });

/** Inserts the user's view and returns it as listed. */
export async function insertView(db: Kysely<Database>, tenantId: string, userId: string, view: ViewValues): Promise<SavedViewRow> {
  const row = await db
    .insertInto('saved_views')
    .values({ tenant_id: tenantId, user_id: userId, ...values(view) })
    .returning('saved_views.id')
    .executeTakeFirstOrThrow();
  return savedView(db, tenantId, userId, row.id);
}

/** Replaces a view the user owns and returns it as listed. */
export async function updateView(db: Kysely<Database>, tenantId: string, userId: string, id: string, view: ViewValues): Promise<SavedViewRow> {
  await db
    .updateTable('saved_views')
    .set({ ...values(view), updated_at: new Date() })
    .where('saved_views.tenant_id', '=', tenantId)
    .where('saved_views.id', '=', id)
    .execute();
  return savedView(db, tenantId, userId, id);
}

async function savedView(db: Kysely<Database>, tenantId: string, userId: string, id: string): Promise<SavedViewRow> {
  return toView(await visible(db, tenantId, userId).where('saved_views.id', '=', id).executeTakeFirstOrThrow());
}

export async function deleteView(db: Kysely<Database>, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('saved_views').where('saved_views.tenant_id', '=', tenantId).where('saved_views.id', '=', id).execute();
}
