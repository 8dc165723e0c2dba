import { accounts, users, type Db, type Page, type PageRequest } from '@pulse/db';
import { conflict, forbidden, notFound } from '../errors.js';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import type { Caller } from './views.js';

/**
 * Account ownership. accounts.owner_user_id is the user who owns an account; csm_owner keeps
 * the free text a profile import or edit gave, which is matched to an active user of the
 * tenant by email (ignoring case) or else by exact name when exactly one user has it.
 * Owners that match nobody stay visible to admins (unmatchedOwners) until resolved.
 */

/** Sets owner_user_id of these accounts from their csm_owner text (null when nobody matches). */
export async function mapOwners(db: Db, tenantId: string, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await accounts.mapOwners(db, tenantId, accountIds);
}

/**
 * Whose book a list shows: 'me' is the caller, null everyone. Members may only name
 * themselves; admins any user of their tenant (another tenant's user is NOT_FOUND).
 */
export async function resolveBookOwner(db: Db, caller: Caller, owner: string | null | undefined): Promise<string | null> {
  if (owner === null || owner === undefined) return null;
  if (owner === 'me' || owner === caller.userId) return caller.userId;
  if (caller.role !== 'admin') throw forbidden('Only admins can view another person’s accounts or tasks.');
  await tenantUser(db, caller.tenantId, owner);
  return owner;
}

async function tenantUser(db: Db, tenantId: string, userId: string) {
  const user = await users.findUser(db, tenantId, userId);
  if (!user) throw notFound('User');
  return user;
}

export interface AssignResult {
  assigned: number;
  owner: { id: string; name: string } | null;
}

/** Gives these accounts to one user (or to nobody, with null); one activity entry per account that changed. */
export async function assignOwner(db: Db, actor: Actor, accountIds: string[], userId: string | null): Promise<AssignResult> {
  const owner = userId === null ? null : await tenantUser(db, actor.tenantId, userId);
  if (owner && !owner.active) throw conflict(`${owner.name} is deactivated and cannot own accounts.`);
  const ids = [...new Set(accountIds)];
  const found = await accounts.lockAccountOwners(db, actor.tenantId, ids);
  if (found.length !== ids.length) throw notFound('Account');
  const changing = found.filter((a) => a.owner_user_id !== userId);
  if (changing.length) {
    await accounts.setOwner(
      db,
      actor.tenantId,
      changing.map((a) => a.id),
      userId,
    );
  }
  for (const a of changing) {
    await recordActivity(db, {
      ...actor,
      action: 'account.assign_owner',
      resourceType: 'account',
      resourceId: a.id,
      before: { ownerUserId: a.owner_user_id },
      after: { ownerUserId: userId, owner: owner?.name ?? null },
    });
  }
  return { assigned: changing.length, owner: owner ? { id: owner.id, name: owner.name } : null };
}

export interface UnmatchedOwner {
  /** The imported owner text exactly as stored. */
  csmOwner: string;
  accounts: number;
}

/** Owner texts no user matched, with how many accounts carry each, in text order. */
export async function listUnmatchedOwners(db: Db, tenantId: string, page: PageRequest): Promise<Page<UnmatchedOwner>> {
  const result = await accounts.listUnmatchedOwners(db, tenantId, page);
  return { items: result.items.map((r) => ({ csmOwner: r.csm_owner, accounts: Number(r.n) })), nextCursor: result.nextCursor };
}

/** Assigns every unowned account whose imported owner text is `csmOwner` to a user. */
export async function resolveOwner(db: Db, actor: Actor, csmOwner: string, userId: string): Promise<AssignResult> {
  const ids = await accounts.unownedAccountIds(db, actor.tenantId, csmOwner);
  if (ids.length === 0) throw notFound('Unmatched owner');
  return assignOwner(db, actor, ids, userId);
}
