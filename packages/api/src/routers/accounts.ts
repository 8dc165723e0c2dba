import { z } from 'zod';
import { accountStatuses } from '@pulse/db';
import { adminAuthedProcedure, adminProcedure, protectedProcedure, router } from '../trpc.js';
import { isoDate, pageInput, uuid, name } from '../validation.js';
import * as accounts from '../domain/accounts.js';
import { importProfilesForm } from '../domain/profiles.js';
import { assignOwner, listUnmatchedOwners, resolveOwner } from '../domain/owners.js';
import { actorOf, callerOf } from './actor.js';
import { textLimits } from '../limits.js';
import { tiers } from '@pulse/scoring';

const optionalText = (max: number = textLimits.text) => z.string().trim().max(max).nullable().optional();
const healthTier = z.enum(tiers);

const accountFields = {
  externalId: optionalText(textLimits.externalId),
  industry: optionalText(),
  region: optionalText(),
  status: z.enum(accountStatuses).optional(),
  tier: optionalText(textLimits.accountTier),
  revenue: z.number().finite().min(0).max(1e15).nullable().optional(),
  csmOwner: optionalText(),
  renewalDate: isoDate.nullable().optional(),
  lifecycleStage: optionalText(textLimits.lifecycleStage),
  champions: optionalText(textLimits.champions),
};

type Fields = Partial<accounts.AccountFields>;

/** Filters and sort of the accounts list (also what a saved view keeps). */
export const listFilters = {
  search: z.string().trim().max(textLimits.name).nullish(),
  healthTier: healthTier.nullish(),
  tier: z.string().trim().max(50).nullish(),
  status: z.enum(accountStatuses).nullish(),
  includeArchived: z.boolean().optional(),
  /** Whose accounts: 'me', a user's id (admins only for other users), or null for everyone. */
  owner: z.union([z.literal('me'), uuid]).nullish(),
  minRevenue: z.number().finite().min(0).max(1e15).nullish(),
  sort: z.enum(['name', 'health', 'updated', 'revenue']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
};

export const accountsRouter = router({
  list: protectedProcedure
    .input(
      z.strictObject({
        ...pageInput,
        ...listFilters,
      }),
    )
    .query(({ ctx, input: { limit, cursor, ...filters } }) => accounts.listBookAccounts(ctx.db, callerOf(ctx), filters, { limit, cursor })),

  /** Gives accounts to one user of the organisation (null: to nobody). */
  assignOwner: adminProcedure
    .input(z.strictObject({ accountIds: z.array(uuid).min(1, { message: 'Choose at least one account.' }).max(500), userId: uuid.nullable() }))
    .mutation(({ ctx, input }) => assignOwner(ctx.db, actorOf(ctx), input.accountIds, input.userId)),

  /** Imported owner names that match no user, for an admin to resolve. */
  unmatchedOwners: adminProcedure
    .input(z.strictObject({ ...pageInput }))
    .query(({ ctx, input }) => listUnmatchedOwners(ctx.db, ctx.tenant.id, { limit: input.limit, cursor: input.cursor })),

  /** Gives every unowned account carrying this imported owner name to a user. */
  resolveOwner: adminProcedure
    .input(z.strictObject({ csmOwner: name(), userId: uuid }))
    .mutation(({ ctx, input }) => resolveOwner(ctx.db, actorOf(ctx), input.csmOwner, input.userId)),

  byId: protectedProcedure.input(z.strictObject({ id: uuid })).query(({ ctx, input }) => accounts.getAccount(ctx.db, ctx.tenant.id, input.id)),

  create: protectedProcedure
    .input(z.strictObject({ name: name(), ...accountFields }))
    .mutation(({ ctx, input }) => accounts.createAccount(ctx.db, actorOf(ctx), input as Fields & { name: string })),

  update: protectedProcedure
    .input(z.strictObject({ id: uuid, name: name().optional(), ...accountFields }))
    .mutation(({ ctx, input: { id, ...fields } }) => accounts.updateAccount(ctx.db, actorOf(ctx), id, fields)),

  archive: protectedProcedure
    .input(z.strictObject({ id: uuid, archived: z.boolean().default(true) }))
    .mutation(({ ctx, input }) => accounts.setArchived(ctx.db, actorOf(ctx), input.id, input.archived)),

  products: protectedProcedure
    .input(z.strictObject({ accountId: uuid }))
    .query(({ ctx, input }) => accounts.listProducts(ctx.db, ctx.tenant.id, input.accountId)),

  addProduct: protectedProcedure
    .input(z.strictObject({ accountId: uuid, name: name() }))
    .mutation(({ ctx, input }) => accounts.addProduct(ctx.db, actorOf(ctx), input.accountId, input.name)),

  /**
   * multipart/form-data: file, the customer-profile workbook (.xlsx). Holds an import slot;
   * the workbook is read (in a worker thread) before the tenant's transaction opens.
   */
  importProfiles: adminAuthedProcedure
    .input(z.instanceof(FormData))
    .mutation(({ ctx, input }) => importProfilesForm(ctx.db, actorOf(ctx), input, ctx.setHeader)),
});
