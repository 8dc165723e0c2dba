import { sql } from 'kysely';
import { paginate, type KeyPart, type Page, type PageRequest } from '../pagination.js';
import type { WebhookEvent, WebhookPayload } from '../schema.js';
import type { Db } from '../tenancy.js';

export type WebhookFormat = 'json' | 'slack';

const columns = ['webhooks.id', 'webhooks.url', 'webhooks.events', 'webhooks.format', 'webhooks.active', 'webhooks.created_at', 'webhooks.updated_at'] as const;

export interface WebhookRow {
  id: string;
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A text[] of the events, each once. */
const eventArray = (events: WebhookEvent[]) => sql<WebhookEvent[]>`${[...new Set(events)]}::text[]`;

export async function insertWebhook(
  db: Db,
  tenantId: string,
  webhook: { url: string; events: WebhookEvent[]; format: WebhookFormat; secret: string; createdBy: string | null },
): Promise<{ id: string }> {
  return db
    .insertInto('webhooks')
    .values({
      tenant_id: tenantId,
      url: webhook.url,
      events: eventArray(webhook.events),
      format: webhook.format,
      secret: webhook.secret,
      created_by: webhook.createdBy,
    })
    .returning(['webhooks.id'])
    .executeTakeFirstOrThrow();
}

const newestFirst: KeyPart<WebhookRow>[] = [
  { column: sql.ref('webhooks.created_at'), value: (r) => r.created_at.toISOString(), direction: 'desc' },
  { column: sql.ref('webhooks.id'), value: (r) => r.id, direction: 'desc' },
];

/** The tenant's webhooks, newest first. */
export async function listWebhookRows(db: Db, tenantId: string, page: PageRequest): Promise<Page<WebhookRow>> {
  return paginate(db.selectFrom('webhooks').select(columns).where('webhooks.tenant_id', '=', tenantId), newestFirst, page);
}

export async function webhookExists(db: Db, tenantId: string, id: string): Promise<boolean> {
  const row = await db.selectFrom('webhooks').select('webhooks.id').where('webhooks.tenant_id', '=', tenantId).where('webhooks.id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export interface WebhookChanges {
  url?: string | undefined;
  events?: WebhookEvent[] | undefined;
  format?: WebhookFormat | undefined;
  active?: boolean | undefined;
}

/** Applies the given changes (left-out fields stay); undefined when the tenant has no such webhook. */
export async function updateWebhookRow(db: Db, tenantId: string, id: string, changes: WebhookChanges, now: Date): Promise<WebhookRow | undefined> {
  return db
    .updateTable('webhooks')
    .set({
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.events !== undefined ? { events: eventArray(changes.events) } : {}),
      ...(changes.format !== undefined ? { format: changes.format } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
      updated_at: now,
    })
    .where('webhooks.tenant_id', '=', tenantId)
    .where('webhooks.id', '=', id)
    .returning(columns)
    .executeTakeFirst();
}

/** Deletes the webhook; false when the tenant has no such webhook. */
export async function deleteWebhookRow(db: Db, tenantId: string, id: string): Promise<boolean> {
  const row = await db
    .deleteFrom('webhooks')
    .where('webhooks.tenant_id', '=', tenantId)
    .where('webhooks.id', '=', id)
    .returning(['webhooks.id'])
    .executeTakeFirst();
  return row !== undefined;
}

/** The tenant's active webhooks and the events each is subscribed to. */
export async function activeWebhooks(db: Db, tenantId: string): Promise<{ id: string; events: WebhookEvent[] }[]> {
  return db
    .selectFrom('webhooks')
    .select(['webhooks.id', 'webhooks.events'])
    .where('webhooks.tenant_id', '=', tenantId)
    .where('webhooks.active', '=', true)
    .execute();
}

function deliveryQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('webhook_deliveries')
    .select([
      'webhook_deliveries.id',
      'webhook_deliveries.webhook_id',
      'webhook_deliveries.event',
      'webhook_deliveries.status',
      'webhook_deliveries.attempts',
      'webhook_deliveries.response_code',
      'webhook_deliveries.last_error',
      'webhook_deliveries.created_at',
      'webhook_deliveries.last_attempt_at',
      'webhook_deliveries.delivered_at',
      'webhook_deliveries.payload',
    ])
    .where('webhook_deliveries.tenant_id', '=', tenantId);
}

export type DeliveryRow = Awaited<ReturnType<ReturnType<typeof deliveryQuery>['executeTakeFirstOrThrow']>>;

const deliveriesNewestFirst: KeyPart<DeliveryRow>[] = [
  { column: sql.ref('webhook_deliveries.created_at'), value: (r) => r.created_at.toISOString(), direction: 'desc' },
  { column: sql.ref('webhook_deliveries.id'), value: (r) => r.id, direction: 'desc' },
];

/** A webhook's delivery log, newest first. */
export async function listDeliveryRows(db: Db, tenantId: string, webhookId: string, page: PageRequest): Promise<Page<DeliveryRow>> {
  return paginate(deliveryQuery(db, tenantId).where('webhook_deliveries.webhook_id', '=', webhookId), deliveriesNewestFirst, page);
}

/** Puts a delivery back to pending; false when the tenant has no such delivery. */
export async function resetDelivery(db: Db, tenantId: string, deliveryId: string): Promise<boolean> {
  const row = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', last_error: null })
    .where('webhook_deliveries.tenant_id', '=', tenantId)
    .where('webhook_deliveries.id', '=', deliveryId)
    .returning(['webhook_deliveries.id'])
    .executeTakeFirst();
  return row !== undefined;
}

export async function findDelivery(db: Db, tenantId: string, deliveryId: string): Promise<DeliveryRow | undefined> {
  return deliveryQuery(db, tenantId).where('webhook_deliveries.id', '=', deliveryId).executeTakeFirst();
}

export interface NewDelivery {
  webhookId: string;
  event: WebhookEvent;
  dedupeKey: string | null;
  payload: WebhookPayload;
}

/** Records deliveries; one whose dedupe key the webhook already has is skipped. Returns the ids inserted. */
export async function insertDeliveries(db: Db, tenantId: string, deliveries: NewDelivery[]): Promise<string[]> {
  if (deliveries.length === 0) return [];
  const rows = await db
    .insertInto('webhook_deliveries')
    .values(
      deliveries.map((d) => ({ tenant_id: tenantId, webhook_id: d.webhookId, event: d.event, dedupe_key: d.dedupeKey, payload: JSON.stringify(d.payload) })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning(['webhook_deliveries.id'])
    .execute();
  return rows.map((r) => r.id);
}

/** A delivery with where and how to send it; undefined when the tenant has no such delivery. */
export async function findDeliveryTarget(db: Db, tenantId: string, deliveryId: string) {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', (j) => j.onRef('webhooks.tenant_id', '=', 'webhook_deliveries.tenant_id').onRef('webhooks.id', '=', 'webhook_deliveries.webhook_id'))
    .select(['webhook_deliveries.status', 'webhook_deliveries.payload', 'webhooks.url', 'webhooks.secret', 'webhooks.format', 'webhooks.active'])
    .where('webhook_deliveries.tenant_id', '=', tenantId)
    .where('webhook_deliveries.id', '=', deliveryId)
    .executeTakeFirst();
}

/** Records one attempt: its status, HTTP code and error; counts it, and stamps delivered_at when delivered. */
export async function recordDeliveryAttempt(
  db: Db,
  tenantId: string,
  deliveryId: string,
  attempt: { status: 'pending' | 'delivered' | 'failed'; responseCode: number | null; error: string | null },
  now: Date,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: attempt.status,
      attempts: sql<number>`webhook_deliveries.attempts + 1`,
      response_code: attempt.responseCode,
      last_error: attempt.error,
      last_attempt_at: now,
      ...(attempt.status === 'delivered' ? { delivered_at: now } : {}),
    })
    .where('webhook_deliveries.tenant_id', '=', tenantId)
    .where('webhook_deliveries.id', '=', deliveryId)
    .execute();
}
