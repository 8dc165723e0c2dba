import { sql } from 'kysely';
import { escapeLike } from '../like.js';
import { paginate, type KeyPart, type Page, type PageRequest } from '../pagination.js';
import type { Db } from '../tenancy.js';

export interface NewActivity {
  userId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  apiTokenId: string | null;
}

/** Writes one activity-log row (before/after stored as JSON; undefined as null). */
export async function insertActivity(db: Db, tenantId: string, entry: NewActivity): Promise<void> {
  await db
    .insertInto('activity_log')
    .values({
      tenant_id: tenantId,
      user_id: entry.userId,
      action: entry.action,
      resource_type: entry.resourceType,
      resource_id: entry.resourceId,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      ip: entry.ip,
      api_token_id: entry.apiTokenId,
    })
    .execute();
}

export interface ActivityListFilters {
  userId?: string | null | undefined;
  /** A prefix of the action, taken literally. */
  actionPrefix?: string | null | undefined;
  resourceType?: string | null | undefined;
  /** Inclusive. */
  from?: Date | null | undefined;
  /** Exclusive. */
  to?: Date | null | undefined;
}

/** The account a row concerns, by its resource: the account itself, or the account of a playbook run, a task or a note. */
const accountName = sql<string | null>`CASE activity_log.resource_type
  WHEN 'account' THEN (SELECT a.name FROM accounts a WHERE a.tenant_id = activity_log.tenant_id AND a.id::text = activity_log.resource_id)
  WHEN 'playbook_execution' THEN (SELECT a.name FROM playbook_executions e JOIN accounts a ON a.tenant_id = e.tenant_id AND a.id = e.account_id
    WHERE e.tenant_id = activity_log.tenant_id AND e.id::text = activity_log.resource_id)
  WHEN 'task' THEN (SELECT a.name FROM tasks t JOIN accounts a ON a.tenant_id = t.tenant_id AND a.id = t.account_id
    WHERE t.tenant_id = activity_log.tenant_id AND t.id::text = activity_log.resource_id)
  WHEN 'note' THEN (SELECT a.name FROM notes n JOIN accounts a ON a.tenant_id = n.tenant_id AND a.id = n.account_id
    WHERE n.tenant_id = activity_log.tenant_id AND n.id::text = activity_log.resource_id)
END`;

function activityQuery(db: Db, tenantId: string, filters: ActivityListFilters) {
  let q = db
    .selectFrom('activity_log')
    .leftJoin('users', (j) => j.onRef('users.tenant_id', '=', 'activity_log.tenant_id').onRef('users.id', '=', 'activity_log.user_id'))
    .leftJoin('api_tokens', (j) => j.onRef('api_tokens.tenant_id', '=', 'activity_log.tenant_id').onRef('api_tokens.id', '=', 'activity_log.api_token_id'))
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
      accountName.as('account_name'),
    ])
    .where('activity_log.tenant_id', '=', tenantId);
  if (filters.userId) q = q.where('activity_log.user_id', '=', filters.userId);
  if (filters.actionPrefix) q = q.where('activity_log.action', 'like', `${escapeLike(filters.actionPrefix)}%`);
  if (filters.resourceType) q = q.where('activity_log.resource_type', '=', filters.resourceType);
  if (filters.from) q = q.where('activity_log.created_at', '>=', filters.from);
  if (filters.to) q = q.where('activity_log.created_at', '<', filters.to);
  return q;
}

export type ActivityRow = Awaited<ReturnType<ReturnType<typeof activityQuery>['executeTakeFirstOrThrow']>>;

const newestFirst: KeyPart<ActivityRow>[] = [
  { column: sql.ref('activity_log.created_at'), value: (r) => r.created_at.toISOString(), direction: 'desc' },
  { column: sql.ref('activity_log.id'), value: (r) => r.id, direction: 'desc' },
];

/** The tenant's activity log, newest first, with the user, token and account names beside each row. */
export async function listActivity(db: Db, tenantId: string, filters: ActivityListFilters, page: PageRequest): Promise<Page<ActivityRow>> {
  return paginate(activityQuery(db, tenantId, filters), newestFirst, page);
}
