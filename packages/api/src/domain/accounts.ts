import { sql } from 'kysely';
import { paginate, type AccountStatus, type Db, type HealthTier, type KeyPart, type Page, type PageRequest } from '@pulse/db';
import { conflict, isUniqueViolation, notFound } from '../errors.js';
import { recordActivity } from './activity.js';
import { mapOwners } from './owners.js';
import { placeAccounts } from './segments.js';

export interface AccountFields {
  name: string;
  externalId: string | null;
  industry: string | null;
  region: string | null;
  status: AccountStatus;
  tier: string | null;
  revenue: number | null;
  csmOwner: string | null;
  renewalDate: string | null;
  lifecycleStage: string | null;
  champions: string | null;
}

export interface Account extends AccountFields {
  id: string;
  /** The user who owns the account (matched from csmOwner or assigned). */
  owner: { id: string; name: string } | null;
  archivedAt: Date | null;
  health: { overall: number | null; tier: HealthTier; period: string | null };
  createdAt: Date;
  updatedAt: Date;
}

export type AccountSort = 'name' | 'health' | 'updated' | 'revenue';

export interface AccountFilters {
  search?: string | null | undefined;
  healthTier?: HealthTier | null | undefined;
  tier?: string | null | undefined;
  status?: AccountStatus | null | undefined;
  includeArchived?: boolean | undefined;
  /** Only this user's accounts (already resolved from 'me'); null or absent for everyone's. */
  ownerUserId?: string | null | undefined;
  minRevenue?: number | null | undefined;
  sort: AccountSort;
  order: 'asc' | 'desc';
}

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

type AccountRow = Awaited<ReturnType<ReturnType<typeof selectAccounts>['executeTakeFirstOrThrow']>>;

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner_user_id && row.owner_name ? { id: row.owner_user_id, name: row.owner_name } : null,
    externalId: row.external_id,
    industry: row.industry,
    region: row.region,
    status: row.status,
    tier: row.tier,
    revenue: row.revenue,
    csmOwner: row.csm_owner,
    renewalDate: row.renewal_date,
    lifecycleStage: row.lifecycle_stage,
    champions: row.champions,
    archivedAt: row.archived_at,
    health: { overall: row.health_overall, tier: row.health_tier, period: row.health_period },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toColumns(fields: Partial<AccountFields>) {
  return {
    ...(fields.name !== undefined ? { name: fields.name.trim(), name_key: accountNameKey(fields.name) } : {}),
    ...(fields.externalId !== undefined ? { external_id: fields.externalId } : {}),
    ...(fields.industry !== undefined ? { industry: fields.industry } : {}),
    ...(fields.region !== undefined ? { region: fields.region } : {}),
    ...(fields.status !== undefined ? { status: fields.status } : {}),
    ...(fields.tier !== undefined ? { tier: fields.tier } : {}),
    ...(fields.revenue !== undefined ? { revenue: fields.revenue } : {}),
    ...(fields.csmOwner !== undefined ? { csm_owner: fields.csmOwner } : {}),
    ...(fields.renewalDate !== undefined ? { renewal_date: fields.renewalDate } : {}),
    ...(fields.lifecycleStage !== undefined ? { lifecycle_stage: fields.lifecycleStage } : {}),
    ...(fields.champions !== undefined ? { champions: fields.champions } : {}),
  };
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

export async function listAccounts(db: Db, tenantId: string, filters: AccountFilters, page: PageRequest): Promise<Page<Account>> {
  let q = selectAccounts(db, tenantId);
  if (!filters.includeArchived) q = q.where('accounts.archived_at', 'is', null);
  if (filters.search) q = q.where('accounts.name_key', 'like', `%${escapeLike(filters.search.trim().toLowerCase())}%`);
  if (filters.healthTier) q = q.where('accounts.health_tier', '=', filters.healthTier);
  if (filters.tier) q = q.where('accounts.tier', '=', filters.tier);
  if (filters.status) q = q.where('accounts.status', '=', filters.status);
  if (filters.ownerUserId) q = q.where('accounts.owner_user_id', '=', filters.ownerUserId);
  if (filters.minRevenue != null) q = q.where('accounts.revenue', '>=', filters.minRevenue);
  const result = await paginate(q, sortKeys[filters.sort](filters.order), page);
  return { items: result.items.map(toAccount), nextCursor: result.nextCursor };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function getAccount(db: Db, tenantId: string, id: string): Promise<Account> {
  const row = await selectAccounts(db, tenantId).where('accounts.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Account');
  return toAccount(row);
}

export async function findAccountByName(db: Db, tenantId: string, name: string): Promise<Account | null> {
  const row = await selectAccounts(db, tenantId).where('accounts.name_key', '=', accountNameKey(name)).executeTakeFirst();
  return row ? toAccount(row) : null;
}

const nameTaken = (name: string) => conflict(`An account named "${name.trim()}" already exists.`);

/** The same CONFLICT when a concurrent request took the name between the check and the write. */
function orNameTaken(name: string) {
  return (error: unknown): never => {
    throw isUniqueViolation(error) ? nameTaken(name) : error;
  };
}

async function assertNameFree(db: Db, tenantId: string, name: string, exceptId?: string): Promise<void> {
  let q = db.selectFrom('accounts').select('accounts.id').where('accounts.tenant_id', '=', tenantId).where('accounts.name_key', '=', accountNameKey(name));
  if (exceptId) q = q.where('accounts.id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw nameTaken(name);
}

export interface Actor {
  tenantId: string;
  userId: string | null;
  ip: string | null;
  /** The API token acting for userId, when the request came with one. */
  tokenId?: string | null;
}

export async function createAccount(db: Db, actor: Actor, fields: Partial<AccountFields> & { name: string }): Promise<Account> {
  await assertNameFree(db, actor.tenantId, fields.name);
  const row = await db
    .insertInto('accounts')
    .values({ tenant_id: actor.tenantId, name: fields.name.trim(), name_key: accountNameKey(fields.name), ...toColumns(fields) })
    .returning(returned)
    .executeTakeFirstOrThrow()
    .catch(orNameTaken(fields.name));
  await recordActivity(db, { ...actor, action: 'account.create', resourceType: 'account', resourceId: row.id, after: fields });
  await placeAccounts(db, actor, [row.id]);
  if (!fields.csmOwner) return toAccount(row);
  await mapOwners(db, actor.tenantId, [row.id]);
  return getAccount(db, actor.tenantId, row.id);
}

/** The fields a segment's rule reads: changing one may move the account to another segment. */
const segmentFields = ['tier', 'industry', 'region', 'revenue', 'lifecycleStage'] as const;

export async function updateAccount(db: Db, actor: Actor, id: string, fields: Partial<AccountFields>): Promise<Account> {
  const before = await getAccount(db, actor.tenantId, id);
  if (fields.name !== undefined) await assertNameFree(db, actor.tenantId, fields.name, id);
  const row = await db
    .updateTable('accounts')
    .set({ ...toColumns(fields), updated_at: new Date() })
    .where('accounts.tenant_id', '=', actor.tenantId)
    .where('accounts.id', '=', id)
    .returning(returned)
    .executeTakeFirstOrThrow()
    .catch(orNameTaken(fields.name ?? ''));
  if (fields.csmOwner !== undefined) await mapOwners(db, actor.tenantId, [id]);
  if (segmentFields.some((field) => fields[field] !== undefined)) await placeAccounts(db, actor, [id]);
  const after = fields.csmOwner !== undefined ? await getAccount(db, actor.tenantId, id) : toAccount(row);
  const changed = Object.keys(fields) as (keyof AccountFields)[];
  const ownerMapped = fields.csmOwner !== undefined;
  await recordActivity(db, {
    ...actor,
    action: 'account.update',
    resourceType: 'account',
    resourceId: id,
    before: { ...Object.fromEntries(changed.map((k) => [k, before[k]])), ...(ownerMapped ? { ownerUserId: before.owner?.id ?? null } : {}) },
    after: { ...fields, ...(ownerMapped ? { ownerUserId: after.owner?.id ?? null } : {}) },
  });
  return after;
}

export async function setArchived(db: Db, actor: Actor, id: string, archived: boolean): Promise<Account> {
  await getAccount(db, actor.tenantId, id);
  const row = await db
    .updateTable('accounts')
    .set({ archived_at: archived ? new Date() : null, updated_at: new Date() })
    .where('accounts.tenant_id', '=', actor.tenantId)
    .where('accounts.id', '=', id)
    .returning(returned)
    .executeTakeFirstOrThrow();
  await recordActivity(db, { ...actor, action: archived ? 'account.archive' : 'account.unarchive', resourceType: 'account', resourceId: id });
  return toAccount(row);
}

export interface Product {
  id: string;
  name: string;
}

export async function listProducts(db: Db, tenantId: string, accountId: string): Promise<Product[]> {
  await getAccount(db, tenantId, accountId);
  return db
    .selectFrom('products')
    .select(['products.id', 'products.name'])
    .where('products.tenant_id', '=', tenantId)
    .where('products.account_id', '=', accountId)
    .orderBy('products.name_key')
    .execute();
}

export const productKey = (accountId: string, name: string): string => `${accountId}|${accountNameKey(name)}`;

/**
 * Makes sure each account has the named products (created when missing, in bulk); returns
 * every product's id by productKey and how many were created.
 */
export async function ensureProducts(
  db: Db,
  tenantId: string,
  products: { accountId: string; name: string }[],
): Promise<{ ids: Map<string, string>; created: number }> {
  const wanted = new Map(products.map((p) => [productKey(p.accountId, p.name), p]));
  const ids = new Map<string, string>();
  if (wanted.size === 0) return { ids, created: 0 };
  const created = await db
    .insertInto('products')
    .values([...wanted.values()].map((p) => ({ tenant_id: tenantId, account_id: p.accountId, name: p.name.trim(), name_key: accountNameKey(p.name) })))
    .onConflict((oc) => oc.columns(['tenant_id', 'account_id', 'name_key']).doNothing())
    .returning(['products.id', 'products.account_id', 'products.name_key'])
    .execute();
  for (const p of created) ids.set(`${p.account_id}|${p.name_key}`, p.id);
  if (ids.size < wanted.size) {
    const existing = await db
      .selectFrom('products')
      .select(['products.id', 'products.account_id', 'products.name_key'])
      .where('products.tenant_id', '=', tenantId)
      .where('products.account_id', 'in', [...new Set(products.map((p) => p.accountId))])
      .execute();
    for (const p of existing) ids.set(`${p.account_id}|${p.name_key}`, p.id);
  }
  return { ids, created: created.length };
}

export async function addProduct(db: Db, actor: Actor, accountId: string, name: string): Promise<Product> {
  await getAccount(db, actor.tenantId, accountId);
  const existing = await db
    .selectFrom('products')
    .select('products.id')
    .where('products.tenant_id', '=', actor.tenantId)
    .where('products.account_id', '=', accountId)
    .where('products.name_key', '=', accountNameKey(name))
    .executeTakeFirst();
  if (existing) throw conflict(`This account already has a product named "${name.trim()}".`);
  const product = await db
    .insertInto('products')
    .values({ tenant_id: actor.tenantId, account_id: accountId, name: name.trim(), name_key: accountNameKey(name) })
    .returning(['products.id', 'products.name'])
    .executeTakeFirstOrThrow();
  await recordActivity(db, { ...actor, action: 'product.create', resourceType: 'account', resourceId: accountId, after: { product: product.name } });
  return product;
}
