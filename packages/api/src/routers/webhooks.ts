import { z } from 'zod';
import { webhookEvents } from '@pulse/db';
import { adminProcedure, router } from '../trpc.js';
import { pageInput, uuid } from '../validation.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, resendDelivery, updateWebhook } from '../domain/webhooks.js';
import { actorOf } from './actor.js';

const url = z
  .string()
  .trim()
  .max(2000, { message: 'The URL is longer than 2000 characters.' })
  .refine(
    (value) => {
      try {
        const parsed = new URL(value);
        return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'Give a full http:// or https:// address.' },
  );
const events = z.array(z.enum(webhookEvents)).min(1, { message: 'Pick at least one event.' }).max(webhookEvents.length);
const format = z.enum(['json', 'slack']);

/** Outgoing webhooks of the organisation (admins). */
export const webhooksRouter = router({
  /** The signing secret is in this answer only. */
  create: adminProcedure
    .input(z.strictObject({ url, events, format: format.optional() }))
    .mutation(({ ctx, input }) => createWebhook(ctx.db, actorOf(ctx), input)),

  list: adminProcedure.input(z.strictObject({ ...pageInput })).query(({ ctx, input }) => listWebhooks(ctx.db, ctx.tenant.id, input)),

  update: adminProcedure
    .input(z.strictObject({ id: uuid, url: url.optional(), events: events.optional(), format: format.optional(), active: z.boolean().optional() }))
    .mutation(({ ctx, input: { id, ...changes } }) => updateWebhook(ctx.db, actorOf(ctx), id, changes)),

  delete: adminProcedure.input(z.strictObject({ id: uuid })).mutation(({ ctx, input }) => deleteWebhook(ctx.db, actorOf(ctx), input.id)),

  /** A webhook's delivery log, newest first: status, response code, attempts, last error. */
  deliveries: adminProcedure
    .input(z.strictObject({ webhookId: uuid, ...pageInput }))
    .query(({ ctx, input }) => listDeliveries(ctx.db, ctx.tenant.id, input.webhookId, { limit: input.limit, cursor: input.cursor })),

  resend: adminProcedure.input(z.strictObject({ deliveryId: uuid })).mutation(({ ctx, input }) => resendDelivery(ctx.db, actorOf(ctx), input.deliveryId)),
});
