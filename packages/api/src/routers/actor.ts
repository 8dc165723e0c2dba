import type { PublicUser } from '@pulse/db';
import type { Tenant, TokenPrincipal } from '../context.js';
import type { Actor } from '../domain/accounts.js';

/** Who is acting, for domain functions: always the session's (or API token's) tenant and user, and the token if any. */
export function actorOf(ctx: { tenant: Tenant; user: PublicUser; ip: string | null; token?: TokenPrincipal | null | undefined }): Actor {
  return { tenantId: ctx.tenant.id, userId: ctx.user.id, ip: ctx.ip, tokenId: ctx.token?.id ?? null };
}

/** Who is asking, for domain functions whose answer depends on the role (whose books a caller may see). */
export function callerOf(ctx: { tenant: { id: string }; user: { id: string; role: 'admin' | 'member' } }): {
  tenantId: string;
  userId: string;
  role: 'admin' | 'member';
} {
  return { tenantId: ctx.tenant.id, userId: ctx.user.id, role: ctx.user.role };
}
