import { sql, type Kysely } from 'kysely';
import type { Database, RecomputePhase, RecomputeRunStatus } from '../schema.js';

/** What a queued recompute must do; changes that arrive while it waits are merged into it. */
export interface RecomputeChange {
  kpiKeys: readonly string[];
  recombine: boolean;
  previousCategoryKeys: readonly string[];
  requestedBy: string | null;
}

export interface RecomputeRun {
  id: string;
  status: RecomputeRunStatus;
  kpiKeys: string[];
  recombine: boolean;
  previousCategoryKeys: string[];
  phase: RecomputePhase;
  accountsTotal: number;
  /** Accounts done in the phase running. */
  accountsDone: number;
  lastAccountId: string | null;
  accountsRescored: number;
  tierChanges: number;
  attempts: number;
  error: string | null;
  requestedAt: Date;
  startedAt: Date | null;
  currentDoneAt: Date | null;
  finishedAt: Date | null;
}

const columns = [
  'recompute_runs.id',
  'recompute_runs.status',
  'recompute_runs.kpi_keys',
  'recompute_runs.recombine',
  'recompute_runs.previous_category_keys',
  'recompute_runs.phase',
  'recompute_runs.accounts_total',
  'recompute_runs.accounts_done',
  'recompute_runs.last_account_id',
  'recompute_runs.accounts_rescored',
  'recompute_runs.tier_changes',
  'recompute_runs.attempts',
  'recompute_runs.error',
  'recompute_runs.requested_at',
  'recompute_runs.started_at',
  'recompute_runs.current_done_at',
  'recompute_runs.finished_at',
] as const;

type RunRow = {
  id: string;
  status: RecomputeRunStatus;
  kpi_keys: string[];
  recombine: boolean;
  previous_category_keys: string[];
  phase: RecomputePhase;
  accounts_total: number;
  accounts_done: number;
  last_account_id: string | null;
  accounts_rescored: number;
  tier_changes: number;
  attempts: number;
  error: string | null;
  requested_at: Date;
  started_at: Date | null;
  current_done_at: Date | null;
  finished_at: Date | null;
};

function toRun(r: RunRow): RecomputeRun {
  return {
    id: r.id,
    status: r.status,
    kpiKeys: r.kpi_keys,
    recombine: r.recombine,
    previousCategoryKeys: r.previous_category_keys,
    phase: r.phase,
    accountsTotal: r.accounts_total,
    accountsDone: r.accounts_done,
    lastAccountId: r.last_account_id,
    accountsRescored: r.accounts_rescored,
    tierChanges: r.tier_changes,
    attempts: r.attempts,
    error: r.error,
    requestedAt: r.requested_at,
    startedAt: r.started_at,
    currentDoneAt: r.current_done_at,
    finishedAt: r.finished_at,
  };
}

/** The union of two text arrays, in a statement. */
const union = (a: string, b: string) => sql<string[]>`ARRAY(SELECT DISTINCT x FROM unnest(${sql.ref(a)} || ${sql.ref(b)}) AS x ORDER BY x)`;

/** Queues a recompute, or merges the change into the one already waiting (at most one waits per tenant); returns its id. */
export async function queueRun(db: Kysely<Database>, tenantId: string, change: RecomputeChange): Promise<string> {
  const row = await db
    .insertInto('recompute_runs')
    .values({
      tenant_id: tenantId,
      kpi_keys: sql<string[]>`${[...change.kpiKeys]}::text[]`,
      recombine: change.recombine,
      previous_category_keys: sql<string[]>`${[...change.previousCategoryKeys]}::text[]`,
      requested_by: change.requestedBy,
    })
    .onConflict((oc) =>
      oc
        .column('tenant_id')
        .where('status', '=', 'queued')
        .doUpdateSet({
          kpi_keys: union('recompute_runs.kpi_keys', 'excluded.kpi_keys'),
          recombine: sql<boolean>`recompute_runs.recombine OR excluded.recombine`,
          previous_category_keys: union('recompute_runs.previous_category_keys', 'excluded.previous_category_keys'),
          requested_by: sql<string | null>`excluded.requested_by`,
        }),
    )
    .returning(['recompute_runs.id'])
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The run a job attempt works on: the tenant's running one (a retry goes on where the failed
 * attempt stopped), else the waiting one, which becomes running with accountsTotal accounts.
 * Null when nothing waits (its change was merged into a run that already finished).
 */
export async function claimRun(db: Kysely<Database>, tenantId: string, accountsTotal: number, now: Date): Promise<RecomputeRun | null> {
  const running = await db
    .updateTable('recompute_runs')
    .set({ attempts: sql<number>`recompute_runs.attempts + 1` })
    .where('recompute_runs.tenant_id', '=', tenantId)
    .where('recompute_runs.status', '=', 'running')
    .returning(columns)
    .executeTakeFirst();
  if (running) return toRun(running);
  const queued = await db
    .updateTable('recompute_runs')
    .set({ status: 'running', started_at: now, accounts_total: accountsTotal, attempts: 1 })
    .where('recompute_runs.tenant_id', '=', tenantId)
    .where('recompute_runs.status', '=', 'queued')
    .returning(columns)
    .executeTakeFirst();
  return queued ? toRun(queued) : null;
}

/** Records a committed batch of accounts (in the batch's own transaction). */
export async function recordBatch(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  batch: { accounts: number; lastAccountId: string; accountsRescored: number; tierChanges: number },
): Promise<void> {
  await db
    .updateTable('recompute_runs')
    .set({
      accounts_done: sql<number>`recompute_runs.accounts_done + ${batch.accounts}`,
      last_account_id: batch.lastAccountId,
      accounts_rescored: sql<number>`recompute_runs.accounts_rescored + ${batch.accountsRescored}`,
      tier_changes: sql<number>`recompute_runs.tier_changes + ${batch.tierChanges}`,
      error: null,
    })
    .where('recompute_runs.tenant_id', '=', tenantId)
    .where('recompute_runs.id', '=', id)
    .execute();
}

/** Ends a run's first phase (every account's current health done): its history comes next, from the first account. */
export async function startHistory(db: Kysely<Database>, tenantId: string, id: string, now: Date): Promise<void> {
  await db
    .updateTable('recompute_runs')
    .set({ phase: 'history', current_done_at: now, accounts_done: 0, last_account_id: null })
    .where('recompute_runs.tenant_id', '=', tenantId)
    .where('recompute_runs.id', '=', id)
    .execute();
}

/** Marks a run completed, or records a failed attempt's error (failed when it was the last attempt). */
export async function endRun(db: Kysely<Database>, tenantId: string, id: string, outcome: { error: string | null; last: boolean }, now: Date): Promise<void> {
  const status: RecomputeRunStatus = outcome.error === null ? 'completed' : outcome.last ? 'failed' : 'running';
  await db
    .updateTable('recompute_runs')
    .set({ status, error: outcome.error, finished_at: status === 'running' ? null : now })
    .where('recompute_runs.tenant_id', '=', tenantId)
    .where('recompute_runs.id', '=', id)
    .execute();
}

/** The tenant's run in progress (running, else waiting) and its last finished one. */
export async function currentAndLast(db: Kysely<Database>, tenantId: string): Promise<{ current: RecomputeRun | null; last: RecomputeRun | null }> {
  const base = () => db.selectFrom('recompute_runs').select(columns).where('recompute_runs.tenant_id', '=', tenantId);
  const current = await base()
    .where('recompute_runs.status', 'in', ['running', 'queued'])
    .orderBy(sql`recompute_runs.status = 'running'`, 'desc')
    .orderBy('recompute_runs.requested_at', 'asc')
    .limit(1)
    .executeTakeFirst();
  const last = await base()
    .where('recompute_runs.status', 'in', ['completed', 'failed'])
    .orderBy('recompute_runs.requested_at', 'desc')
    .orderBy('recompute_runs.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { current: current ? toRun(current) : null, last: last ? toRun(last) : null };
}

/**
 * Whether the tenant (or these of its accounts) has more than `limit` stored healths
 * (account-periods, with product-level ones): whether recomputing them is too large for a
 * request. Reads at most limit + 1 rows: a full count reads every health of a large tenant
 * (4 s for 240,000 after a recompute left them not all-visible), inside the request that
 * saves the change.
 */
export async function hasMoreHealthsThan(db: Kysely<Database>, tenantId: string, limit: number, accountIds: readonly string[] | null = null): Promise<boolean> {
  let q = db
    .selectFrom('account_health')
    .select(sql<number>`1`.as('one'))
    .where('account_health.tenant_id', '=', tenantId);
  if (accountIds) q = q.where(sql<boolean>`account_health.account_id = ANY(${[...accountIds]}::uuid[])`);
  return (await q.offset(limit).limit(1).executeTakeFirst()) !== undefined;
}

export async function countAccounts(db: Kysely<Database>, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('accounts.tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The next batch of at most `limit` accounts after `after` in id order: how many, and the last id (null when none is left). */
export async function nextAccounts(
  db: Kysely<Database>,
  tenantId: string,
  after: string | null,
  limit: number,
): Promise<{ count: number; last: string } | null> {
  let q = db.selectFrom('accounts').select('accounts.id').where('accounts.tenant_id', '=', tenantId);
  if (after !== null) q = q.where('accounts.id', '>', after);
  const row = await db
    .selectFrom(q.orderBy('accounts.id').limit(limit).as('b'))
    .select((eb) => ['b.id', eb.fn.countAll<number>().over().as('n')])
    .orderBy('b.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { count: Number(row.n), last: row.id } : null;
}
