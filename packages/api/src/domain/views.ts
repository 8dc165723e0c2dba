import { savedViews, type Db, type Page, type PageRequest, type AccountColumn, type ViewState } from '@pulse/db';
import { conflict, forbidden, isUniqueViolation, notFound } from '../errors.js';
import { listAccounts, type Account } from './accounts.js';
import { csvLine } from './csv.js';
import { isoDay } from './dates.js';
import { resolveBookOwner } from './owners.js';

/**
 * Saved views of the accounts list: filters, sort and visible columns under a name, per
 * user, optionally shared with the organisation. Everyone sees their own and the shared
 * ones; only the owner changes or deletes a view. The current view (saved or not) exports
 * to CSV with its filters, sort and columns.
 */

export interface Caller {
  tenantId: string;
  userId: string;
  role: 'admin' | 'member';
}

export interface SavedView {
  id: string;
  name: string;
  shared: boolean;
  owner: { id: string; name: string };
  /** The caller owns it, so may change or delete it. */
  mine: boolean;
  state: ViewState;
  updatedAt: Date;
}

function toView(row: savedViews.SavedViewRow, caller: Caller): SavedView {
  return {
    id: row.id,
    name: row.name,
    shared: row.shared,
    owner: { id: row.userId, name: row.ownerName },
    mine: row.userId === caller.userId,
    state: row.state,
    updatedAt: row.updatedAt,
  };
}

export async function listViews(db: Db, caller: Caller, page: PageRequest): Promise<Page<SavedView>> {
  const result = await savedViews.listViews(db, caller.tenantId, caller.userId, page);
  return { items: result.items.map((r) => toView(r, caller)), nextCursor: result.nextCursor };
}

/** A view the caller owns; another user's shared view is FORBIDDEN, anything else they cannot see NOT_FOUND. */
async function ownView(db: Db, caller: Caller, id: string): Promise<savedViews.SavedViewRow> {
  const row = await savedViews.findView(db, caller.tenantId, caller.userId, id);
  if (!row) throw notFound('View');
  if (row.userId !== caller.userId) throw forbidden(`Only ${row.ownerName} can change the view "${row.name}".`);
  return row;
}

export interface ViewInput {
  /** Given: replaces that view; absent: creates one. */
  id?: string | null | undefined;
  name: string;
  shared: boolean;
  state: ViewState;
}

/** Creates or replaces one of the caller's views. */
export async function saveView(db: Db, caller: Caller, input: ViewInput): Promise<SavedView> {
  const values = { name: input.name, shared: input.shared, state: input.state };
  try {
    if (!input.id) return toView(await savedViews.insertView(db, caller.tenantId, caller.userId, values), caller);
    await ownView(db, caller, input.id);
    return toView(await savedViews.updateView(db, caller.tenantId, caller.userId, input.id, values), caller);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`You already have a view named "${input.name}".`);
    throw error;
  }
}

export async function deleteView(db: Db, caller: Caller, id: string): Promise<{ id: string }> {
  await ownView(db, caller, id);
  await savedViews.deleteView(db, caller.tenantId, id);
  return { id };
}

const EXPORT_BATCH = 100;

const columnCells: Record<AccountColumn, { header: string[]; cells: (a: Account) => unknown[] }> = {
  health: { header: ['health', 'health_tier', 'health_period'], cells: (a) => [a.health.overall, a.health.tier, a.health.period] },
  status: { header: ['status'], cells: (a) => [a.status] },
  tier: { header: ['tier'], cells: (a) => [a.tier] },
  owner: { header: ['owner'], cells: (a) => [a.owner?.name ?? a.csmOwner] },
  revenue: { header: ['revenue'], cells: (a) => [a.revenue] },
  renewal: { header: ['renewal_date'], cells: (a) => [a.renewalDate] },
  industry: { header: ['industry'], cells: (a) => [a.industry] },
  region: { header: ['region'], cells: (a) => [a.region] },
  lifecycleStage: { header: ['lifecycle_stage'], cells: (a) => [a.lifecycleStage] },
};

/** Every account of the view, in its sort order, with its visible columns: { filename, csv }. */
export async function exportViewCsv(db: Db, caller: Caller, state: ViewState, now = new Date()): Promise<{ filename: string; csv: string }> {
  const { owner, columns, ...filters } = state;
  const ownerUserId = await resolveBookOwner(db, caller, owner);
  const lines = [csvLine(['name', ...columns.flatMap((c) => columnCells[c].header)])];
  let cursor: string | null = null;
  do {
    const page: Page<Account> = await listAccounts(db, caller.tenantId, { ...filters, ownerUserId }, { limit: EXPORT_BATCH, cursor });
    for (const a of page.items) lines.push(csvLine([a.name, ...columns.flatMap((c) => columnCells[c].cells(a))]));
    cursor = page.nextCursor;
  } while (cursor);
  return { filename: `accounts-${isoDay(now)}.csv`, csv: lines.join('') };
}
