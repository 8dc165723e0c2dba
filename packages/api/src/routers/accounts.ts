import { z } from 'zod';
import { accountStatuses } from '@pulse/db';
import { adminProcedure, protectedProcedure, router } from '../trpc.js';
import { pageInput, uploadedFile, uuid, name } from '../validation.js';
import * as accounts from '../domain/accounts.js';
import { importProfiles } from '../domain/profiles.js';
import { actorOf } from './actor.js';
import { textLimits } from '../limits.js';

const optionalText = (max: number = textLimits.text) => z.string().trim().max(max).nullable().optional();
const healthTier = z.enum(['healthy', 'at_risk', 'critical', 'unknown']);

const accountFields = {
  externalId: optionalText(textLimits.externalId),
  industry: optionalText(),
  region: optionalText(),
  status: z.enum(accountStatuses as [string, ...string[]]).optional(),
  tier: optionalText(textLimits.accountTier),
  revenue: z.number().finite().min(0).max(1e15).nullable().optional(),
  csmOwner: optionalText(),
  renewalDate: z.iso.date({ message: 'Use the form YYYY-MM-DD.' }).nullable().optional(),
  lifecycleStage: optionalText(textLimits.lifecycleStage),
  champions: optionalText(textLimits.champions),
};

type Fields = Partial<accounts.AccountFields>;

export const accountsRouter = router({
  list: protectedProcedure
    .input(
      z.strictObject({
        ...pageInput,
        search: z.string().trim().max(textLimits.name).nullish(),
        healthTier: healthTier.nullish(),
        tier: z.string().trim().max(50).nullish(),
        status: z.enum(accountStatuses as [string, ...string[]]).nullish(),
        includeArchived: z.boolean().optional(),
        sort: z.enum(['name', 'health', 'updated']).default('name'),
        order: z.enum(['asc', 'desc']).default('asc'),
      }),
    )
    .query(({ ctx, input }) => {
      const { limit, cursor, ...filters } = input;
      return accounts.listAccounts(ctx.db, ctx.tenant.id, filters as accounts.AccountFilters, { limit, cursor });
    }),

  byId: protectedProcedure
    .input(z.strictObject({ id: uuid }))
    .query(({ ctx, input }) => accounts.getAccount(ctx.db, ctx.tenant.id, input.id)),

  create: protectedProcedure
    .input(z.strictObject({ name: name(), ...accountFields }))
    .mutation(({ ctx, input }) => accounts.createAccount(ctx.db, actorOf(ctx), input as Fields & { name: string })),

  update: protectedProcedure
    .input(z.strictObject({ id: uuid, name: name().optional(), ...accountFields }))
    .mutation(({ ctx, input }) => {
      const { id, ...fields } = input;
      return accounts.updateAccount(ctx.db, actorOf(ctx), id, fields as Fields);
    }),

  archive: protectedProcedure
    .input(z.strictObject({ id: uuid, archived: z.boolean().default(true) }))
    .mutation(({ ctx, input }) => accounts.setArchived(ctx.db, actorOf(ctx), input.id, input.archived)),

  products: protectedProcedure
    .input(z.strictObject({ accountId: uuid }))
    .query(({ ctx, input }) => accounts.listProducts(ctx.db, ctx.tenant.id, input.accountId)),

  addProduct: protectedProcedure
    .input(z.strictObject({ accountId: uuid, name: name() }))
    .mutation(({ ctx, input }) => accounts.addProduct(ctx.db, actorOf(ctx), input.accountId, input.name)),

  /** multipart/form-data: file, the customer-profile workbook (.xlsx). */
  importProfiles: adminProcedure.input(z.instanceof(FormData)).mutation(async ({ ctx, input }) => {
    const file = uploadedFile(input);
    return importProfiles(ctx.db, actorOf(ctx), Buffer.from(await file.arrayBuffer()));
  }),
});
