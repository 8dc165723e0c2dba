import type { PublicUser } from '@pulse/db';
import type { Tenant } from '../context.js';
import type { Actor } from '../domain/accounts.js';

/** Who is acting, for domain functions: always the session's tenant and user. */
export function actorOf(ctx: { tenant: Tenant; user: PublicUser; ip: string | null }): Actor {
  return { tenantId: ctx.tenant.id, userId: ctx.user.id, ip: ctx.ip };
}
