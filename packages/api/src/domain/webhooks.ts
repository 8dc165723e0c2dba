import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { notifications, webhooks as repo, withTenant, type Db, type Page, type PageRequest, type WebhookEvent, type WebhookPayload } from '@pulse/db';
import { notFound } from '../errors.js';
import { sendJobs } from '../send-jobs.js';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { queueCriticalAlerts } from './email.js';

export const DELIVER_QUEUE = 'webhooks.deliver';
/** How long a receiver has to answer one attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export type WebhookFormat = repo.WebhookFormat;

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

function toWebhook(r: repo.WebhookRow): Webhook {
  return { id: r.id, url: r.url, events: r.events, format: r.format, active: r.active, createdAt: r.created_at, updatedAt: r.updated_at };
}

/**
 * X-Pulse-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>, with the
 * timestamp (Unix seconds) sent as X-Pulse-Timestamp.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function createWebhook(
  db: Db,
  actor: Actor,
  input: { url: string; events: WebhookEvent[]; format?: WebhookFormat | undefined },
): Promise<{ id: string; secret: string }> {
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const row = await repo.insertWebhook(db, actor.tenantId, {
    url: input.url,
    events: input.events,
    format: input.format ?? 'json',
    secret,
    createdBy: actor.userId,
  });
  await recordActivity(db, {
    ...actor,
    action: 'webhook.create',
    resourceType: 'webhook',
    resourceId: row.id,
    after: { url: input.url, events: input.events },
  });
  return { id: row.id, secret };
}

export async function listWebhooks(db: Db, tenantId: string, page: PageRequest): Promise<Page<Webhook>> {
  const result = await repo.listWebhookRows(db, tenantId, page);
  return { items: result.items.map(toWebhook), nextCursor: result.nextCursor };
}

export async function updateWebhook(db: Db, actor: Actor, id: string, changes: repo.WebhookChanges): Promise<Webhook> {
  const row = await repo.updateWebhookRow(db, actor.tenantId, id, changes, new Date());
  if (!row) throw notFound('Webhook');
  await recordActivity(db, { ...actor, action: 'webhook.update', resourceType: 'webhook', resourceId: id, after: changes });
  return toWebhook(row);
}

export async function deleteWebhook(db: Db, actor: Actor, id: string): Promise<{ id: string }> {
  if (!(await repo.deleteWebhookRow(db, actor.tenantId, id))) throw notFound('Webhook');
  await recordActivity(db, { ...actor, action: 'webhook.delete', resourceType: 'webhook', resourceId: id });
  return { id };
}

export interface Delivery {
  id: string;
  event: WebhookEvent;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  payload: WebhookPayload;
}

function toDelivery(r: repo.DeliveryRow): Delivery {
  return {
    id: r.id,
    event: r.event,
    status: r.status,
    attempts: r.attempts,
    responseCode: r.response_code,
    lastError: r.last_error,
    createdAt: r.created_at,
    lastAttemptAt: r.last_attempt_at,
    deliveredAt: r.delivered_at,
    payload: r.payload,
  };
}

/** A webhook's delivery log, newest first. */
export async function listDeliveries(db: Db, tenantId: string, webhookId: string, page: PageRequest): Promise<Page<Delivery>> {
  if (!(await repo.webhookExists(db, tenantId, webhookId))) throw notFound('Webhook');
  const result = await repo.listDeliveryRows(db, tenantId, webhookId, page);
  return { items: result.items.map(toDelivery), nextCursor: result.nextCursor };
}

/** Sends a delivery again (whatever its status): it goes back to pending and is queued. */
export async function resendDelivery(db: Db, actor: Actor, deliveryId: string): Promise<Delivery> {
  if (!(await repo.resetDelivery(db, actor.tenantId, deliveryId))) throw notFound('Delivery');
  await sendJobs(db, DELIVER_QUEUE, [{ tenantId: actor.tenantId, deliveryId }]);
  await recordActivity(db, { ...actor, action: 'webhook.resend', resourceType: 'webhook_delivery', resourceId: deliveryId });
  const delivery = await repo.findDelivery(db, actor.tenantId, deliveryId);
  if (!delivery) throw notFound('Delivery');
  return toDelivery(delivery);
}

export interface PulseEvent {
  event: WebhookEvent;
  /** What happened, in one sentence (the Slack text). */
  summary: string;
  data: Record<string, unknown>;
  /** Repeated detections of the same fact (an overdue step) with one key give one delivery per webhook. */
  dedupeKey?: string;
}

const accountOf = (e: PulseEvent): string | null => (typeof e.data.accountId === 'string' ? e.data.accountId : null);

/**
 * Records events (for the daily digest), queues the immediate emails they call for, and
 * records a delivery for every active webhook of the tenant subscribed to them and queues
 * it, all in the caller's transaction (so they exist exactly when the change does). An
 * event whose dedupe key was recorded before is dropped: a fact detected every day (an
 * overdue task) is announced once. Returns the number of webhook deliveries.
 */
export async function emitEvents(db: Db, tenantId: string, detected: PulseEvent[], now = new Date()): Promise<number> {
  if (detected.length === 0) return 0;
  const withIds = detected.map((e) => ({ ...e, id: randomUUID() }));
  const recorded = await notifications.insertEvents(
    db,
    tenantId,
    withIds.map((e) => ({ id: e.id, event: e.event, summary: e.summary, data: e.data, accountId: accountOf(e), dedupeKey: e.dedupeKey ?? null })),
    now,
  );
  const events = withIds.filter((e) => recorded.has(e.id));
  await queueCriticalAlerts(
    db,
    tenantId,
    events.flatMap((e) => {
      const accountId = accountOf(e);
      return e.event === 'account.tier_changed' && e.data.tier === 'critical' && accountId
        ? [{ eventId: e.id, accountId, accountName: String(e.data.accountName), summary: e.summary }]
        : [];
    }),
  );
  const hooks = await repo.activeWebhooks(db, tenantId);
  const inserted = await repo.insertDeliveries(
    db,
    tenantId,
    hooks.flatMap((h) =>
      events
        .filter((e) => h.events.includes(e.event))
        .map((e) => ({
          webhookId: h.id,
          event: e.event,
          dedupeKey: e.dedupeKey ?? null,
          payload: { event: e.event, occurredAt: now.toISOString(), summary: e.summary, data: e.data },
        })),
    ),
  );
  if (inserted.length === 0) return 0;
  await sendJobs(
    db,
    DELIVER_QUEUE,
    inserted.map((deliveryId) => ({ tenantId, deliveryId })),
  );
  return inserted.length;
}

/** The request body a webhook receives: Pulse's JSON, or Slack's incoming-webhook shape. */
export function deliveryBody(format: WebhookFormat, deliveryId: string, payload: WebhookPayload): string {
  if (format === 'slack') return JSON.stringify({ text: `Pulse: ${payload.summary}` });
  return JSON.stringify({ id: deliveryId, ...payload });
}

/**
 * One delivery attempt (a job of the webhooks.deliver queue): POSTs the signed body and
 * records the attempt. A 2xx answer marks it delivered; anything else throws so pg-boss
 * retries it with exponential backoff, and the last attempt marks it failed. A delivery
 * already delivered (a duplicate job) is not sent again.
 */
export async function attemptDelivery(db: Db, job: { tenantId: string; deliveryId: string }, attempt: { last: boolean }, now = new Date()): Promise<void> {
  const target = await withTenant(db, job.tenantId, (tx) => repo.findDeliveryTarget(tx, job.tenantId, job.deliveryId));
  if (!target || target.status === 'delivered' || !target.active) return;
  const body = deliveryBody(target.format, job.deliveryId, target.payload);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  let code: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Pulse-Webhooks',
        'x-pulse-delivery': job.deliveryId,
        'x-pulse-timestamp': timestamp,
        'x-pulse-signature': signature(target.secret, timestamp, body),
      },
      body,
    });
    code = res.status;
    await res.body?.cancel();
    if (res.status < 200 || res.status >= 300) error = `The receiver answered HTTP ${res.status}.`;
  } catch (e) {
    error = `The receiver could not be reached (${e instanceof Error ? e.message : String(e)}).`;
  }
  const status = error === null ? 'delivered' : attempt.last ? 'failed' : 'pending';
  await withTenant(db, job.tenantId, (tx) => repo.recordDeliveryAttempt(tx, job.tenantId, job.deliveryId, { status, responseCode: code, error }, new Date()));
  if (error !== null) throw new Error(error);
}
