import { sql, type Updateable } from 'kysely';
import { escapeLike } from '../like.js';
import { paginate, type KeyPart, type Page, type PageRequest } from '../pagination.js';
import type { AccountsTable, HealthTier } from '../schema.js';
import type { AccountStatus } from '../vocabulary.js';
import type { Db } from '../tenancy.js';

/** The key an account (or product) name is unique and sorted by: trimmed, lower case. */
export const accountNameKey = (name: string): string => name.trim().toLowerCase();

const columns = [
  'accounts.id',
  'accounts.name',
  'accounts.name_key',
  'accounts.external_id',
  'accounts.industry',
  'accounts.region',
  'accounts.status',
  'accounts.tier',
  'accounts.revenue',
  'accounts.csm_owner',
  'accounts.renewal_date',
  'accounts.lifecycle_stage',
  'accounts.champions',
  'accounts.archived_at',
  'accounts.health_overall',
  'accounts.health_tier',
  'accounts.health_period',
  'accounts.created_at',
  'accounts.updated_at',
  'accounts.owner_user_id',
] as const;

/** The owner's name, read beside the row (also in RETURNING, which cannot join). */
const ownerName = sql<string | null>`(SELECT users.name FROM users WHERE users.tenant_id = accounts.tenant_id AND users.id = accounts.owner_user_id)`.as(
  'owner_name',
);
const returned = [...columns, ownerName] as const;

function selectAccounts(db: Db, tenantId: string) {
  return db.selectFrom('accounts').select(returned).where('accounts.tenant_id', '=', tenantId);
}

export type AccountRow = Awaited<ReturnType<ReturnType<typeof selectAccounts>['executeTakeFirstOrThrow']>>;

/** Columns an account is created or edited with (name and name_key always together). */
export type AccountValues = Omit<Updateable<AccountsTable>, 'tenant_id' | 'id' | 'created_at' | 'updated_at'>;

export type AccountSort = 'name' | 'health' | 'updated' | 'revenue';

export interface AccountListFilters {
  /** Part of the name, any case. */
  search?: string | null | undefined;
  healthTier?: HealthTier | null | undefined;
  tier?: string | null | undefined;
  status?: AccountStatus | null | undefined;
  includeArchived?: boolean | undefined;
  ownerUserId?: string | null | undefined;
  minRevenue?: number | null | undefined;
  sort: AccountSort;
  order: 'asc' | 'desc';
}

const sortKeys: Record<AccountSort, (direction: 'asc' | 'desc') => KeyPart<AccountRow>[]> = {
  name: (direction) => [
    { column: sql.ref('accounts.name_key'), value: (r) => r.name_key, direction },
    { column: sql.ref('accounts.id'), value: (r) => r.id, direction },
  ],
  health: (direction) => [
    { column: sql`coalesce(accounts.health_overall, -1)`, value: (r) => r.health_overall ?? -1, direction },
    { column: sql.ref('accounts.id'), value: (r) => r.id, direction },
  ],
  updated: (direction) => [
    { column: sql.ref('accounts.updated_at'), value: (r) => r.updated_at.toISOString(), direction },
    { column: sql.ref('accounts.id'), value: (r) => r.id, direction },
  ],
  revenue: (direction) => [
    { column: sql`coalesce(accounts.revenue, -1)`, value: (r) => r.revenue ?? -1, direction },
    { column: sql.ref('accounts.id'), value: (r) => r.id, direction },
  ],
};

export async function listAccounts(db: Db, tenantId: string, filters: AccountListFilters, page: PageRequest): Promise<Page<AccountRow>> {
  let q = selectAccounts(db, tenantId);
  if (!filters.includeArchived) q = q.where('accounts.archived_at', 'is', null);
  if (filters.search) q = q.where('accounts.name_key', 'like', `%${escapeLike(filters.search.trim().toLowerCase())}%`);
  if (filters.healthTier) q = q.where('accounts.health_tier', '=', filters.healthTier);
  if (filters.tier) q = q.where('accounts.tier', '=', filters.tier);
  if (filters.status) q = q.where('accounts.status', '=', filters.status);
  if (filters.ownerUserId) q = q.where('accounts.owner_user_id', '=', filters.ownerUserId);
  if (filters.minRevenue != null) q = q.where('accounts.revenue', '>=', filters.minRevenue);
  return paginate(q, sortKeys[filters.sort](filters.order), page);
}

export async function findAccount(db: Db, tenantId: string, id: string): Promise<AccountRow | undefined> {
  return selectAccounts(db, tenantId).where('accounts.id', '=', id).executeTakeFirst();
}

export async function findAccountByName(db: Db, tenantId: string, name: string): Promise<AccountRow | undefined> {
  return selectAccounts(db, tenantId).where('accounts.name_key', '=', accountNameKey(name)).executeTakeFirst();
}

/** Whether another account of the tenant (not exceptId) already has this name, any case. */
export async function accountNameTaken(db: Db, tenantId: string, name: string, exceptId?: string): Promise<boolean> {
  let q = db.selectFrom('accounts').select('accounts.id').where('accounts.tenant_id', '=', tenantId).where('accounts.name_key', '=', accountNameKey(name));
  if (exceptId) q = q.where('accounts.id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function insertAccount(db: Db, tenantId: string, values: AccountValues & { name: string; name_key: string }): Promise<AccountRow> {
  return db
    .insertInto('accounts')
    .values({ tenant_id: tenantId, ...values })
    .returning(returned)
    .executeTakeFirstOrThrow();
}

/** Changes these columns and updated_at; throws when the account is not the tenant's. */
export async function updateAccount(db: Db, tenantId: string, id: string, values: AccountValues): Promise<AccountRow> {
  return db
    .updateTable('accounts')
    .set({ ...values, updated_at: new Date() })
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.id', '=', id)
    .returning(returned)
    .executeTakeFirstOrThrow();
}

export interface ProductRow {
  id: string;
  name: string;
}

export async function listProducts(db: Db, tenantId: string, accountId: string): Promise<ProductRow[]> {
  return db
    .selectFrom('products')
    .select(['products.id', 'products.name'])
    .where('products.tenant_id', '=', tenantId)
    .where('products.account_id', '=', accountId)
    .orderBy('products.name_key')
    .execute();
}

export interface ProductKeyRow {
  id: string;
  account_id: string;
  name_key: string;
}

/** Inserts the products an account does not have yet; returns the ones it inserted. */
export async function insertMissingProducts(db: Db, tenantId: string, products: { accountId: string; name: string }[]): Promise<ProductKeyRow[]> {
  return db
    .insertInto('products')
    .values(products.map((p) => ({ tenant_id: tenantId, account_id: p.accountId, name: p.name.trim(), name_key: accountNameKey(p.name) })))
    .onConflict((oc) => oc.columns(['tenant_id', 'account_id', 'name_key']).doNothing())
    .returning(['products.id', 'products.account_id', 'products.name_key'])
    .execute();
}

/** Every product of these accounts. */
export async function listProductKeys(db: Db, tenantId: string, accountIds: string[]): Promise<ProductKeyRow[]> {
  return db
    .selectFrom('products')
    .select(['products.id', 'products.account_id', 'products.name_key'])
    .where('products.tenant_id', '=', tenantId)
    .where('products.account_id', 'in', accountIds)
    .execute();
}

/** Whether the account already has a product with this name, any case. */
export async function productNameTaken(db: Db, tenantId: string, accountId: string, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('products')
    .select('products.id')
    .where('products.tenant_id', '=', tenantId)
    .where('products.account_id', '=', accountId)
    .where('products.name_key', '=', accountNameKey(name))
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertProduct(db: Db, tenantId: string, accountId: string, name: string): Promise<ProductRow> {
  return db
    .insertInto('products')
    .values({ tenant_id: tenantId, account_id: accountId, name: name.trim(), name_key: accountNameKey(name) })
    .returning(['products.id', 'products.name'])
    .executeTakeFirstOrThrow();
}

/** Locks the account's row until the transaction ends (one writer at a time per account). */
export async function lockAccount(db: Db, tenantId: string, id: string): Promise<void> {
  await db.selectFrom('accounts').select('accounts.id').where('accounts.tenant_id', '=', tenantId).where('accounts.id', '=', id).forUpdate().execute();
}

/**
 * Sets owner_user_id of these accounts from their csm_owner text: the active user whose email
 * (ignoring case) or else exact name is that text, when exactly one has it; null otherwise.
 */
export async function mapOwners(db: Db, tenantId: string, accountIds: string[]): Promise<void> {
  await sql`
    UPDATE accounts a SET owner_user_id = (
      SELECT CASE
        WHEN count(*) FILTER (WHERE u.email = lower(btrim(a.csm_owner))) = 1
          THEN (array_agg(u.id) FILTER (WHERE u.email = lower(btrim(a.csm_owner))))[1]
        WHEN count(*) FILTER (WHERE u.name = btrim(a.csm_owner)) = 1
          THEN (array_agg(u.id) FILTER (WHERE u.name = btrim(a.csm_owner)))[1]
      END
      FROM users u
      WHERE u.tenant_id = a.tenant_id AND u.active AND (u.email = lower(btrim(a.csm_owner)) OR u.name = btrim(a.csm_owner))
    )
    WHERE a.tenant_id = ${tenantId} AND a.id = ANY(${accountIds}::uuid[])
  `.execute(db);
}

/** The owners of these accounts (those that are the tenant's), their rows locked until the transaction ends. */
export async function lockAccountOwners(db: Db, tenantId: string, ids: string[]): Promise<{ id: string; owner_user_id: string | null }[]> {
  return db
    .selectFrom('accounts')
    .select(['accounts.id', 'accounts.owner_user_id'])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.id', 'in', ids)
    .forUpdate()
    .execute();
}

/** Gives these accounts to a user (null: to nobody). */
export async function setOwner(db: Db, tenantId: string, ids: string[], ownerUserId: string | null): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ owner_user_id: ownerUserId, updated_at: new Date() })
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.id', 'in', ids)
    .execute();
}

/** Imported owner texts of unowned accounts (not archived, not blank), with how many accounts carry each, in text order. */
export async function listUnmatchedOwners(db: Db, tenantId: string, page: PageRequest): Promise<Page<{ csm_owner: string; n: number }>> {
  const q = db
    .selectFrom('accounts')
    .select([sql<string>`accounts.csm_owner`.as('csm_owner'), sql<number>`count(*)`.as('n')])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.archived_at', 'is', null)
    .where('accounts.owner_user_id', 'is', null)
    .where(sql<boolean>`btrim(accounts.csm_owner) <> ''`)
    .groupBy('accounts.csm_owner');
  return paginate(q, [{ column: sql.ref('accounts.csm_owner'), value: (r) => r.csm_owner }], page);
}

/** Ids of the unowned accounts (not archived) whose imported owner text is exactly `csmOwner`. */
export async function unownedAccountIds(db: Db, tenantId: string, csmOwner: string): Promise<string[]> {
  const rows = await db
    .selectFrom('accounts')
    .select('accounts.id')
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.owner_user_id', 'is', null)
    .where('accounts.archived_at', 'is', null)
    .where('accounts.csm_owner', '=', csmOwner)
    .execute();
  return rows.map((r) => r.id);
}

/** An account as the customer-profile workbook gives it; status null keeps the default (or, updating, what the account has). */
export interface ProfileAccount {
  name: string;
  name_key: string;
  external_id: string | null;
  industry: string | null;
  region: string | null;
  status: AccountStatus | null;
  tier: string | null;
  revenue: number | null;
  csm_owner: string | null;
  renewal_date: string | null;
  lifecycle_stage: string | null;
  champions: string | null;
}

/** The tenant's accounts with these name keys. */
export async function listAccountsByNameKey(db: Db, tenantId: string, nameKeys: string[]): Promise<{ id: string; name: string; name_key: string }[]> {
  return db
    .selectFrom('accounts')
    .select(['accounts.id', 'accounts.name', 'accounts.name_key'])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.name_key', 'in', nameKeys)
    .execute();
}

/** Creates accounts with only a name; returns them. */
export async function insertNamedAccounts(
  db: Db,
  tenantId: string,
  names: { name: string; name_key: string }[],
): Promise<{ id: string; name: string; name_key: string }[]> {
  if (names.length === 0) return [];
  return db
    .insertInto('accounts')
    .values(names.map((n) => ({ tenant_id: tenantId, name: n.name, name_key: n.name_key })))
    .returning(['accounts.id', 'accounts.name', 'accounts.name_key'])
    .execute();
}

/** Marks these accounts as changed now. */
export async function touchAccounts(db: Db, tenantId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('accounts').set({ updated_at: new Date() }).where('accounts.tenant_id', '=', tenantId).where('accounts.id', 'in', ids).execute();
}

/** Creates the accounts of these profiles; returns their ids by name key. */
export async function insertProfileAccounts(db: Db, tenantId: string, rows: ProfileAccount[]): Promise<{ id: string; name_key: string }[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto('accounts')
    .values(rows.map(({ status, ...v }) => ({ ...v, tenant_id: tenantId, ...(status ? { status } : {}) })))
    .returning(['accounts.id', 'accounts.name_key'])
    .execute();
}

/** Updates existing accounts from their profiles in one statement; an empty value keeps what the account has. */
export async function updateProfileAccounts(db: Db, tenantId: string, rows: (ProfileAccount & { id: string })[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof ProfileAccount>(key: K) => rows.map((r) => r[key]);
  await sql`
    UPDATE accounts a SET
      name = u.name,
      external_id = coalesce(u.external_id, a.external_id),
      industry = coalesce(u.industry, a.industry),
      region = coalesce(u.region, a.region),
      status = coalesce(u.status, a.status),
      tier = coalesce(u.tier, a.tier),
      revenue = coalesce(u.revenue, a.revenue),
      csm_owner = coalesce(u.csm_owner, a.csm_owner),
      renewal_date = coalesce(u.renewal_date::date, a.renewal_date),
      lifecycle_stage = coalesce(u.lifecycle_stage, a.lifecycle_stage),
      champions = coalesce(u.champions, a.champions),
      updated_at = now()
    FROM unnest(
      ${rows.map((r) => r.id)}::uuid[],
      ${column('name')}::text[],
      ${column('external_id')}::text[],
      ${column('industry')}::text[],
      ${column('region')}::text[],
      ${column('status')}::text[],
      ${column('tier')}::text[],
      ${column('revenue')}::float8[],
      ${column('csm_owner')}::text[],
      ${column('renewal_date')}::text[],
      ${column('lifecycle_stage')}::text[],
      ${column('champions')}::text[]
    ) AS u(id, name, external_id, industry, region, status, tier, revenue, csm_owner, renewal_date, lifecycle_stage, champions)
    WHERE a.tenant_id = ${tenantId} AND a.id = u.id
  `.execute(db);
}
