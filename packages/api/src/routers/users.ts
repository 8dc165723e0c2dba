import { z } from 'zod';
import { router, sessionAdminProcedure, sessionAuthedProcedure } from '../trpc.js';
import { email, name, pageInput, password, uuid } from '../validation.js';
import { changeOwnPassword, changeRole, createMember, listMembers, setActive } from '../domain/users.js';
import { actorOf } from './actor.js';
import { textLimits } from '../limits.js';

const role = z.enum(['admin', 'member']);

export const usersRouter = router({
  /** The organisation's users by name, with their last sign-in. */
  list: sessionAdminProcedure
    .input(z.strictObject({ ...pageInput, role: role.nullish(), active: z.boolean().nullish() }))
    .query(({ ctx, input: { limit, cursor, ...filters } }) => listMembers(ctx.db, ctx.tenant.id, filters, { limit, cursor })),

  /** Adds a user with an initial password. */
  create: sessionAdminProcedure
    .input(z.strictObject({ name: name(), email, role, password }))
    .mutation(({ ctx, input }) => createMember(ctx.db, actorOf(ctx), input, ctx.auth.bcryptCost)),

  updateRole: sessionAdminProcedure
    .input(z.strictObject({ id: uuid, role }))
    .mutation(({ ctx, input }) => changeRole(ctx.db, actorOf(ctx), input.id, input.role)),

  /** Deactivating ends the user's sessions at once. */
  setActive: sessionAdminProcedure
    .input(z.strictObject({ id: uuid, active: z.boolean() }))
    .mutation(({ ctx, input }) => setActive(ctx.db, actorOf(ctx), input.id, input.active)),

  /**
   * The signed-in user's own password; other sessions end unless endOtherSessions is false.
   * The attempt is counted before the current password is checked, outside the tenant
   * transaction so a wrong guess stays counted; a success clears the count and, as at
   * login, gives the caller a new session id.
   */
  changePassword: sessionAuthedProcedure
    .input(z.strictObject({ currentPassword: z.string().max(textLimits.password), newPassword: password, endOtherSessions: z.boolean().default(true) }))
    .mutation(({ ctx, input }) => changeOwnPassword(ctx, input)),
});
