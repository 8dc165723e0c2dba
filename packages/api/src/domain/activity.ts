import { activity, type Db, type Page, type PageRequest } from '@pulse/db';
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
  await activity.insertActivity(db, entry.tenantId, {
    userId: entry.userId,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId ?? null,
    before: entry.before,
    after: entry.after,
    ip: entry.ip ?? null,
    apiTokenId: entry.tokenId ?? null,
  });
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

type ActivityRow = activity.ActivityRow;

function toListFilters(filters: ActivityFilters): activity.ActivityListFilters {
  return {
    userId: filters.userId,
    actionPrefix: filters.action,
    resourceType: filters.resourceType,
    from: filters.from ? new Date(filters.from) : null,
    to: filters.to ? new Date(filters.to) : null,
  };
}

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
  const result = await activity.listActivity(db, tenantId, toListFilters(filters), page);
  return { items: result.items.map(toItem), nextCursor: result.nextCursor };
}

const EXPORT_BATCH = 1000;
const csvHeader = ['at', 'user_email', 'user_name', 'action', 'resource_type', 'resource_id', 'before', 'after', 'ip', 'id'];

/** The filtered activity log as CSV, newest first, read in keyset batches. */
export async function exportActivityCsv(db: Db, tenantId: string, filters: ActivityFilters, now = new Date()): Promise<{ filename: string; csv: string }> {
  const lines = [csvLine(csvHeader)];
  const listFilters = toListFilters(filters);
  let cursor: string | null = null;
  do {
    const page: Page<ActivityRow> = await activity.listActivity(db, tenantId, listFilters, { limit: EXPORT_BATCH, cursor });
    for (const r of page.items) {
      lines.push(csvLine([r.created_at, r.user_email, r.user_name, r.action, r.resource_type, r.resource_id, r.before, r.after, r.ip, r.id]));
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { filename: `activity-${now.toISOString().slice(0, 10)}.csv`, csv: lines.join('') };
}
