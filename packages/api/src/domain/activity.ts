import { sql } from 'kysely';
import { paginate, type Db, type KeyPart, type Page, type PageRequest } from '@pulse/db';
import { csvLine } from './csv.js';
import { playbooks } from './playbooks.js';

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
  /** A prefix of the action: 'playbook' finds playbook.start, playbook.cancel, … */
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
  /** The row as a sentence: "Nora started Activation blitz for Granite Retail." */
  sentence: string;
  resourceType: string;
  resourceId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

/** A LIKE pattern matching `text` literally: backslash (the default escape), % and _ escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The account a row concerns, by its resource: the account itself, or the account of a playbook run or a task. */
const accountName = sql<string | null>`CASE activity_log.resource_type
  WHEN 'account' THEN (SELECT a.name FROM accounts a WHERE a.tenant_id = activity_log.tenant_id AND a.id::text = activity_log.resource_id)
  WHEN 'playbook_execution' THEN (SELECT a.name FROM playbook_executions e JOIN accounts a ON a.tenant_id = e.tenant_id AND a.id = e.account_id
    WHERE e.tenant_id = activity_log.tenant_id AND e.id::text = activity_log.resource_id)
  WHEN 'task' THEN (SELECT a.name FROM tasks t JOIN accounts a ON a.tenant_id = t.tenant_id AND a.id = t.account_id
    WHERE t.tenant_id = activity_log.tenant_id AND t.id::text = activity_log.resource_id)
  WHEN 'note' THEN (SELECT a.name FROM notes n JOIN accounts a ON a.tenant_id = n.tenant_id AND a.id = n.account_id
    WHERE n.tenant_id = activity_log.tenant_id AND n.id::text = activity_log.resource_id)
END`;

function activityQuery(db: Db, tenantId: string, filters: ActivityFilters) {
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
  if (filters.action) q = q.where('activity_log.action', 'like', `${escapeLike(filters.action)}%`);
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
    sentence: activitySentence(r),
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    before: r.before,
    after: r.after,
    ip: r.ip,
  };
}

const field = (value: unknown, key: string): string | null => {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
};

/**
 * What a row says as a sentence, from its action, the names stored in before/after and the
 * account it concerns; actions without words of their own read "Nora did task.update on …".
 */
export function activitySentence(
  r: Pick<ActivityRow, 'action' | 'before' | 'after' | 'user_name' | 'token_name' | 'account_name' | 'resource_type' | 'resource_id'>,
): string {
  const who = r.user_name ?? (r.token_name ? `API token ${r.token_name}` : 'Pulse');
  const account = r.account_name ?? field(r.after, 'account');
  const forAccount = account ? ` for ${account}` : '';
  const playbook = () => {
    const key = field(r.after, 'playbook');
    const known = key && playbooks.find((p) => p.key === key);
    return known ? known.name : 'a playbook';
  };
  const words: Record<string, () => string> = {
    'playbook.start': () => `started ${playbook()}${forAccount}`,
    'playbook.step_complete': () => `completed step ${field(r.after, 'step') ?? ''} (${field(r.after, 'title') ?? ''}) of a playbook${forAccount}`,
    'playbook.step_skip': () => `skipped step ${field(r.after, 'step') ?? ''} (${field(r.after, 'title') ?? ''}) of a playbook${forAccount}`,
    'playbook.pause': () => `paused a playbook${forAccount}`,
    'playbook.resume': () => `resumed a playbook${forAccount}`,
    'playbook.cancel': () => `cancelled a playbook${forAccount}`,
    'playbook.complete': () => `completed a playbook${forAccount}`,
    'task.create': () => `created the task “${field(r.after, 'title') ?? ''}”${forAccount}`,
    'task.complete': () => `completed a task${forAccount}`,
    'task.cancel': () => `cancelled a task${forAccount}`,
    'task.update': () => `changed a task${forAccount}`,
    'account.create': () => `created the account ${account ?? ''}`,
    'account.update': () => `edited the account ${account ?? ''}`,
    'account.archive': () => `archived the account ${account ?? ''}`,
    'account.unarchive': () => `restored the account ${account ?? ''}`,
    'account.assign_owner': () => `gave ${account ?? 'an account'} to ${field(r.after, 'owner') ?? 'nobody'}`,
    'renewal.record': () => `recorded the renewal of ${account ?? 'an account'} as ${field(r.after, 'outcome') ?? ''}`,
    'note.create': () => `wrote a ${field(r.after, 'kind') ?? 'note'} note${forAccount}`,
    'sentiment.set': () => `set the manager sentiment of ${account ?? 'an account'} for ${field(r.after, 'period') ?? ''} to ${field(r.after, 'value') ?? ''}`,
    'upload.accept': () => `uploaded ${field(r.after, 'filename') ?? 'a file'}`,
    'upload.reject': () => `uploaded ${field(r.after, 'filename') ?? 'a file'}, which was rejected`,
    'range.update': () => `changed the range of ${r.resource_id ?? 'a KPI'}`,
    'range.reset': () => (r.resource_id ? `reset the range of ${r.resource_id}` : 'reset every range to the catalogue'),
    'settings.update': () => 'changed the health settings',
    'segment.create': () => `created the segment ${field(r.after, 'name') ?? ''}`,
    'segment.update': () => 'changed a segment',
    'segment.delete': () => `deleted the segment ${field(r.before, 'name') ?? ''}`,
    'auth.login_failed': () => 'failed to sign in',
    'auth.password_change': () => 'changed their password',
  };
  const said = words[r.action];
  return `${who} ${said ? said() : `did ${r.action} on ${account ?? r.resource_type.replace('_', ' ')}`}.`.replace(/\s+\./, '.');
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
