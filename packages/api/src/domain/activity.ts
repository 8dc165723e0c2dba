import { sql } from 'kysely';
import { paginate, type Db, type KeyPart, type Page, type PageRequest } from '@pulse/db';
import { csvLine } from './csv.js';

export interface ActivityEntry {
  tenantId: string;
  userId: string | null;
  action: string;
  resourceType: string;
  resourceId?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  /** The API token that acted, when a bearer request did this. */
  tokenId?: string | null;
}

/** Writes one activity-log row; call it with the same transaction as the change it records. */
export async function recordActivity(db: Db, entry: ActivityEntry): Promise<void> {
  await db
    .insertInto('activity_log')
    .values({
      tenant_id: entry.tenantId,
      user_id: entry.userId,
      action: entry.action,
      resource_type: entry.resourceType,
      resource_id: entry.resourceId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      ip: entry.ip ?? null,
      api_token_id: entry.tokenId ?? null,
    })
    .execute();
}

export interface ActivityFilters {
  userId?: string | null | undefined;
  action?: string | null | undefined;
  resourceType?: string | null | undefined;
  /** Inclusive lower bound (ISO timestamp). */
  from?: string | null | undefined;
  /** Exclusive upper bound (ISO timestamp). */
  to?: string | null | undefined;
}

export interface ActivityItem {
  id: string;
  at: Date;
  user: { id: string; name: string; email: string } | null;
  /** The API token the user's change went through; null when they acted in a session. */
  token: { id: string; name: string } | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

function activityQuery(db: Db, tenantId: string, filters: ActivityFilters) {
  let q = db
    .selectFrom('activity_log')
    .leftJoin('users', (j) => j.onRef('users.tenant_id', '=', 'activity_log.tenant_id').onRef('users.id', '=', 'activity_log.user_id'))
    .leftJoin('api_tokens', (j) =>
      j.onRef('api_tokens.tenant_id', '=', 'activity_log.tenant_id').onRef('api_tokens.id', '=', 'activity_log.api_token_id'),
    )
    .select([
      'activity_log.id',
      'activity_log.created_at',
      'activity_log.user_id',
      'activity_log.action',
      'activity_log.resource_type',
      'activity_log.resource_id',
      'activity_log.before',
      'activity_log.after',
      'activity_log.ip',
      'users.name as user_name',
      'users.email as user_email',
      'activity_log.api_token_id',
      'api_tokens.name as token_name',
    ])
    .where('activity_log.tenant_id', '=', tenantId);
  if (filters.userId) q = q.where('activity_log.user_id', '=', filters.userId);
  if (filters.action) q = q.where('activity_log.action', '=', filters.action);
  if (filters.resourceType) q = q.where('activity_log.resource_type', '=', filters.resourceType);
  if (filters.from) q = q.where('activity_log.created_at', '>=', new Date(filters.from));
  if (filters.to) q = q.where('activity_log.created_at', '<', new Date(filters.to));
  return q;
}

type ActivityRow = Awaited<ReturnType<ReturnType<typeof activityQuery>['executeTakeFirstOrThrow']>>;

const newestFirst: KeyPart<ActivityRow>[] = [
  { column: sql.ref('activity_log.created_at'), value: (r) => r.created_at.toISOString(), direction: 'desc' },
  { column: sql.ref('activity_log.id'), value: (r) => r.id, direction: 'desc' },
];

function toItem(r: ActivityRow): ActivityItem {
  return {
    id: r.id,
    at: r.created_at,
    user: r.user_id && r.user_name && r.user_email ? { id: r.user_id, name: r.user_name, email: r.user_email } : null,
    token: r.api_token_id && r.token_name ? { id: r.api_token_id, name: r.token_name } : null,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    before: r.before,
    after: r.after,
    ip: r.ip,
  };
}

/** The tenant's activity log, newest first. */
export async function listActivity(db: Db, tenantId: string, filters: ActivityFilters, page: PageRequest): Promise<Page<ActivityItem>> {
  const result = await paginate(activityQuery(db, tenantId, filters), newestFirst, page);
  return { items: result.items.map(toItem), nextCursor: result.nextCursor };
}

const EXPORT_BATCH = 1000;
const csvHeader = ['at', 'user_email', 'user_name', 'action', 'resource_type', 'resource_id', 'before', 'after', 'ip', 'id'];

/** The filtered activity log as CSV, newest first, read in keyset batches. */
export async function exportActivityCsv(db: Db, tenantId: string, filters: ActivityFilters, now = new Date()): Promise<{ filename: string; csv: string }> {
  const lines = [csvLine(csvHeader)];
  let cursor: string | null = null;
  do {
    const page: Page<ActivityRow> = await paginate(activityQuery(db, tenantId, filters), newestFirst, { limit: EXPORT_BATCH, cursor });
    for (const r of page.items) {
      lines.push(csvLine([r.created_at, r.user_email, r.user_name, r.action, r.resource_type, r.resource_id, r.before, r.after, r.ip, r.id]));
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { filename: `activity-${now.toISOString().slice(0, 10)}.csv`, csv: lines.join('') };
}
