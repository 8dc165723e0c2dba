import { createHmac, randomBytes } from 'node:crypto';
import { tokens, type Db, type Page, type PageRequest, type TokenScope } from '@pulse/db';
import { notFound, tooManyRequests, unauthorized } from '../errors.js';
import type { TRPCError } from '@trpc/server';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';

/** Every token starts with this, so secret scanners can find leaked ones. */
export const TOKEN_PREFIX = 'pulse_';

/** Requests per token per fixed one-minute window, counted in the database (shared by every instance). */
export const tokenThrottle = { windowMs: 60_000, limit: 600 };

const TOKEN_PATTERN = /^pulse_[A-Za-z0-9_-]{43}$/;

/**
 * The stored form of a token: HMAC-SHA256 under the server's token key. Tokens are 256
 * random bits, so a fast keyed hash is enough; without the key a stolen table is useless.
 */
export function hashToken(key: string, token: string): string {
  return createHmac('sha256', key).update(token).digest('hex');
}

export interface TokenItem {
  id: string;
  name: string;
  scope: TokenScope;
  /** The token's first characters, e.g. `pulse_Ab3x…`. */
  hint: string;
  createdBy: { id: string; name: string } | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  status: 'active' | 'expired' | 'revoked';
}

export interface NewToken {
  name: string;
  scope: TokenScope;
  expiresAt?: Date | null | undefined;
}

/** Creates a token for the actor's tenant; the secret is returned here once and never again. */
export async function createToken(db: Db, actor: Actor & { userId: string }, key: string, input: NewToken): Promise<{ id: string; token: string }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = await tokens.insertToken(db, actor.tenantId, {
    name: input.name,
    scope: input.scope,
    tokenHash: hashToken(key, token),
    hint: `${token.slice(0, TOKEN_PREFIX.length + 4)}…`,
    createdBy: actor.userId,
    expiresAt: input.expiresAt ?? null,
  });
  await recordActivity(db, {
    ...actor,
    action: 'token.create',
    resourceType: 'api_token',
    resourceId: id,
    after: { name: input.name, scope: input.scope, expiresAt: input.expiresAt ?? null },
  });
  return { id, token };
}

function toItem(r: tokens.TokenRow, now: Date): TokenItem {
  const status = r.revoked_at ? 'revoked' : r.expires_at && r.expires_at <= now ? 'expired' : 'active';
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    hint: r.hint,
    createdBy: r.creator_name ? { id: r.created_by, name: r.creator_name } : null,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    status,
  };
}

/** The tenant's tokens, newest first, revoked ones included (never their secrets). */
export async function listTokens(db: Db, tenantId: string, page: PageRequest, now = new Date()): Promise<Page<TokenItem>> {
  const result = await tokens.listTokenRows(db, tenantId, page);
  return { items: result.items.map((r) => toItem(r, now)), nextCursor: result.nextCursor };
}

/** Revokes a token; the next request that carries it fails on every instance (nothing caches tokens). */
export async function revokeToken(db: Db, actor: Actor, id: string, now = new Date()): Promise<TokenItem> {
  const revoked = await tokens.revokeTokenRow(db, actor.tenantId, id, now);
  const row = await tokens.findToken(db, actor.tenantId, id);
  if (!row) throw notFound('Token');
  if (revoked) await recordActivity(db, { ...actor, action: 'token.revoke', resourceType: 'api_token', resourceId: id });
  return toItem(row, now);
}

/** A resolved bearer token: who acts, for which tenant, with what scope. */
export type BearerOutcome = { ok: true; context: tokens.TokenContext } | { ok: false; error: TRPCError; retryAfter?: number };

const INVALID = 'This API token is not valid: it may have been revoked or have expired.';

/**
 * Resolves `Authorization: Bearer <token>` on every request, with no cache: an unknown,
 * revoked or expired token, one whose creator was deactivated, or a malformed header is
 * UNAUTHORIZED; a token past its per-minute limit is TOO_MANY_REQUESTS.
 */
export async function resolveBearer(db: Db, key: string, header: string, now = new Date()): Promise<BearerOutcome> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (!token || !TOKEN_PATTERN.test(token)) {
    return { ok: false, error: unauthorized('The Authorization header must be "Bearer" followed by a Pulse API token (pulse_…).') };
  }
  const context = await tokens.useToken(db, hashToken(key, token), now, tokenThrottle.windowMs);
  if (!context || !context.user.active) return { ok: false, error: unauthorized(INVALID) };
  if (context.token.windowCount > tokenThrottle.limit) {
    const retryAfter = Math.max(1, Math.ceil((context.token.windowStartedAt.getTime() + tokenThrottle.windowMs - now.getTime()) / 1000));
    return {
      ok: false,
      retryAfter,
      error: tooManyRequests(`This API token made more than ${tokenThrottle.limit} requests in a minute. Try again in ${retryAfter} seconds.`),
    };
  }
  return { ok: true, context };
}
