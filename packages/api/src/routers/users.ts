import { z } from 'zod';
import { adminProcedure, protectedProcedure, router } from '../trpc.js';
import { email, name, pageInput, password, uuid } from '../validation.js';
import { changePassword, changeRole, createMember, listMembers, setActive } from '../domain/users.js';
import type { CurrentSession } from '../context.js';
import { actorOf } from './actor.js';
import { textLimits } from '../limits.js';

const role = z.enum(['admin', 'member']);

export const usersRouter = router({
  /** The organisation's users by name, with their last sign-in. */
  list: adminProcedure
    .input(z.strictObject({ ...pageInput, role: role.nullish(), active: z.boolean().nullish() }))
    .query(({ ctx, input }) => {
      const { limit, cursor, ...filters } = input;
      return listMembers(ctx.db, ctx.tenant.id, filters, { limit, cursor });
    }),

  /** Adds a user with an initial password. */
  create: adminProcedure
    .input(z.strictObject({ name: name(), email, role, password }))
    .mutation(({ ctx, input }) => createMember(ctx.db, actorOf(ctx), input, ctx.auth.bcryptCost)),

  updateRole: adminProcedure
    .input(z.strictObject({ id: uuid, role }))
    .mutation(({ ctx, input }) => changeRole(ctx.db, actorOf(ctx), input.id, input.role)),

  /** Deactivating ends the user's sessions at once. */
  setActive: adminProcedure
    .input(z.strictObject({ id: uuid, active: z.boolean() }))
    .mutation(({ ctx, input }) => setActive(ctx.db, actorOf(ctx), input.id, input.active)),

  /** The signed-in user's own password; other sessions end unless endOtherSessions is false. */
  changePassword: protectedProcedure
    .input(z.strictObject({ currentPassword: z.string().max(textLimits.password), newPassword: password, endOtherSessions: z.boolean().default(true) }))
    .mutation(({ ctx, input }) =>
      changePassword(
        ctx.db,
        { ...actorOf(ctx), userId: ctx.user.id },
        (ctx.session.current as CurrentSession).sid,
        input,
        ctx.auth.bcryptCost,
      ),
    ),
});
