import { accounts, type AccountStatus, type Db, type HealthTier, type Page, type PageRequest } from '@pulse/db';
import { conflict, isUniqueViolation, notFound } from '../errors.js';
import { recordActivity } from './activity.js';
import { mapOwners, resolveBookOwner } from './owners.js';
import { placeAccounts } from './segments.js';
import type { Caller } from './views.js';

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

export type AccountSort = accounts.AccountSort;

/** ownerUserId: only this user's accounts (already resolved from 'me'); null or absent for everyone's. */
export type AccountFilters = accounts.AccountListFilters;

export const accountNameKey = accounts.accountNameKey;

function toAccount(row: accounts.AccountRow): Account {
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

function toColumns(fields: Partial<AccountFields>): accounts.AccountValues {
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

/** The accounts list with whose book it shows as the caller named it ('me', a user's id, or null for everyone's). */
export async function listBookAccounts(
  db: Db,
  caller: Caller,
  filters: Omit<AccountFilters, 'ownerUserId'> & { owner?: string | null | undefined },
  page: PageRequest,
): Promise<Page<Account>> {
  const { owner, ...rest } = filters;
  return listAccounts(db, caller.tenantId, { ...rest, ownerUserId: await resolveBookOwner(db, caller, owner) }, page);
}

export async function listAccounts(db: Db, tenantId: string, filters: AccountFilters, page: PageRequest): Promise<Page<Account>> {
  const result = await accounts.listAccounts(db, tenantId, filters, page);
  return { items: result.items.map(toAccount), nextCursor: result.nextCursor };
}

export async function getAccount(db: Db, tenantId: string, id: string): Promise<Account> {
  const row = await accounts.findAccount(db, tenantId, id);
  if (!row) throw notFound('Account');
  return toAccount(row);
}

export async function findAccountByName(db: Db, tenantId: string, name: string): Promise<Account | null> {
  const row = await accounts.findAccountByName(db, tenantId, name);
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
  if (await accounts.accountNameTaken(db, tenantId, name, exceptId)) throw nameTaken(name);
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
  const row = await accounts
    .insertAccount(db, actor.tenantId, { name: fields.name.trim(), name_key: accountNameKey(fields.name), ...toColumns(fields) })
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
  const row = await accounts.updateAccount(db, actor.tenantId, id, toColumns(fields)).catch(orNameTaken(fields.name ?? ''));
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
  const row = await accounts.updateAccount(db, actor.tenantId, id, { archived_at: archived ? new Date() : null });
  await recordActivity(db, { ...actor, action: archived ? 'account.archive' : 'account.unarchive', resourceType: 'account', resourceId: id });
  return toAccount(row);
}

export interface Product {
  id: string;
  name: string;
}

export async function listProducts(db: Db, tenantId: string, accountId: string): Promise<Product[]> {
  await getAccount(db, tenantId, accountId);
  return accounts.listProducts(db, tenantId, accountId);
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
  const created = await accounts.insertMissingProducts(db, tenantId, [...wanted.values()]);
  for (const p of created) ids.set(`${p.account_id}|${p.name_key}`, p.id);
  if (ids.size < wanted.size) {
    const existing = await accounts.listProductKeys(db, tenantId, [...new Set(products.map((p) => p.accountId))]);
    for (const p of existing) ids.set(`${p.account_id}|${p.name_key}`, p.id);
  }
  return { ids, created: created.length };
}

export async function addProduct(db: Db, actor: Actor, accountId: string, name: string): Promise<Product> {
  await getAccount(db, actor.tenantId, accountId);
  if (await accounts.productNameTaken(db, actor.tenantId, accountId, name)) throw conflict(`This account already has a product named "${name.trim()}".`);
  const product = await accounts.insertProduct(db, actor.tenantId, accountId, name);
  await recordActivity(db, { ...actor, action: 'product.create', resourceType: 'account', resourceId: accountId, after: { product: product.name } });
  return product;
}
