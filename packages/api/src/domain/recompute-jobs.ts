import { kpiKey, type ReferenceRange } from '@pulse/scoring';
import { recomputeRuns, withTenant, type Db, type RecomputeRun } from '@pulse/db';
import { sendJobs } from '../send-jobs.js';
import type { Actor } from './accounts.js';
import { recompute, type RecomputeChange, type RecomputeEffect } from './recompute.js';
import { loadScoringContext, loadTenantSettings, type TenantSettings } from './scoring-context.js';

/** The pg-boss queue of recompute jobs (stately: per tenant at most one waits and one runs; created by a migration). */
export const RECOMPUTE_QUEUE = 'recompute.tenant';

/**
 * Above this many stored healths (account-periods, product-level ones included) a range or
 * settings change commits at once and recomputes in a job. About a few seconds of work on
 * two cores: 20,000 is the largest tenant at BENCH_SCALE=0.1 (1,000 accounts × 24 months);
 * smaller tenants, the demo ones among them, recompute inside the request.
 */
export const RECOMPUTE_JOB_THRESHOLD = 20_000;

/** Accounts per batch of a job: each batch is one transaction (short locks, WAL in small pieces) and one step of progress. */
export const RECOMPUTE_BATCH_ACCOUNTS = 500;

/** What saving a change did: its effect when it recomputed inline, or queued (effect null) when a job does it. */
export interface RecomputeOutcome {
  effect: RecomputeEffect | null;
  queued: boolean;
}

/**
 * Recomputes after a change the caller has just written: in the caller's transaction when the
 * tenant has at most `jobThreshold` stored healths, else by queueing (or merging into) the
 * tenant's waiting run and its job, which exist exactly when the change commits. Until the
 * job has worked an account, the account keeps its previous scores.
 */
export async function recomputeAfterChange(
  db: Db,
  actor: Actor,
  change: RecomputeChange,
  scoring: TenantSettings,
  jobThreshold = RECOMPUTE_JOB_THRESHOLD,
): Promise<RecomputeOutcome> {
  if (change.ranges.length === 0 && !change.recombine) return { effect: { accountsRescored: 0, tierChanges: 0 }, queued: false };
  if (!(await recomputeRuns.hasMoreHealthsThan(db, actor.tenantId, jobThreshold))) {
    return { effect: await recompute(db, actor.tenantId, change, scoring), queued: false };
  }
  return queueRecompute(db, actor, change);
}

/** Queues (or merges into the waiting run) a whole-tenant recompute of this change. */
async function queueRecompute(db: Db, actor: Actor, change: RecomputeChange): Promise<RecomputeOutcome> {
  await recomputeRuns.queueRun(db, actor.tenantId, {
    kpiKeys: change.ranges.map((r) => kpiKey(r.kpiName)),
    recombine: change.recombine !== null,
    previousCategoryKeys: change.recombine?.previousCategoryKeys ?? [],
    requestedBy: actor.userId,
  });
  await sendJobs(db, RECOMPUTE_QUEUE, [{ tenantId: actor.tenantId }], { singletonKey: actor.tenantId });
  return { effect: null, queued: true };
}

/**
 * Recombines the stored healths of these accounts with the settings that score them now (after
 * they changed segment, or their segment's settings changed): in the caller's transaction when
 * they have at most `jobThreshold` stored healths, else by a whole-tenant recombination job.
 * `previousCategoryKeys`: every category key weighted before the change.
 */
export async function recomputeAccounts(
  db: Db,
  actor: Actor,
  accountIds: readonly string[],
  previousCategoryKeys: readonly string[],
  jobThreshold = RECOMPUTE_JOB_THRESHOLD,
): Promise<RecomputeOutcome> {
  if (accountIds.length === 0) return { effect: { accountsRescored: 0, tierChanges: 0 }, queued: false };
  const change: RecomputeChange = { ranges: [], recombine: { previousCategoryKeys } };
  if (!(await recomputeRuns.hasMoreHealthsThan(db, actor.tenantId, jobThreshold, accountIds))) {
    return { effect: await recompute(db, actor.tenantId, change, await loadTenantSettings(db, actor.tenantId), accountIds), queued: false };
  }
  return queueRecompute(db, actor, change);
}

export interface RecomputeJobOptions {
  batchAccounts?: number;
  /** Called after each committed batch (tests fail an attempt there to see it resume). */
  afterBatch?: (run: RecomputeRun) => Promise<void>;
}

/**
 * One attempt of a recompute job: claims the tenant's run and works it in two phases, each in
 * batches of accounts in id order, each batch in its own transaction with its progress, using
 * the ranges and settings committed at that moment (so changes merged into a waiting run are
 * all applied). First every account's current health (its newest two periods: the scores,
 * tiers, drops and tier changes the screens show), then its whole history, which writes the
 * re-scored readings and counts the accounts rescored exactly as the inline path does (the
 * current healths it meets again are already right and are not rewritten). A failed attempt
 * leaves its committed batches done; the retry goes on after them, and the last failed attempt
 * marks the run failed.
 */
export async function runRecomputeJob(db: Db, data: { tenantId: string }, attempt: { last: boolean }, options: RecomputeJobOptions = {}): Promise<void> {
  const { tenantId } = data;
  const claimed = await withTenant(db, tenantId, async (tx) =>
    recomputeRuns.claimRun(tx, tenantId, await recomputeRuns.countAccounts(tx, tenantId), new Date()),
  );
  if (!claimed) return;
  let run = claimed;
  try {
    if (run.phase === 'current') {
      run = await workPhase(db, tenantId, run, options);
      const currentDoneAt = new Date();
      await withTenant(db, tenantId, (tx) => recomputeRuns.startHistory(tx, tenantId, run.id, currentDoneAt));
      run = { ...run, phase: 'history', currentDoneAt, accountsDone: 0, lastAccountId: null };
    }
    run = await workPhase(db, tenantId, run, options);
    await withTenant(db, tenantId, (tx) => recomputeRuns.endRun(tx, tenantId, run.id, { error: null, last: true }, new Date()));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await withTenant(db, tenantId, (tx) => recomputeRuns.endRun(tx, tenantId, run.id, { error: message, last: attempt.last }, new Date()));
    throw error;
  }
}

/** Works the run's phase batch by batch from where it stands; returns the run after its last batch. */
async function workPhase(db: Db, tenantId: string, start: RecomputeRun, options: RecomputeJobOptions): Promise<RecomputeRun> {
  const batchAccounts = options.batchAccounts ?? RECOMPUTE_BATCH_ACCOUNTS;
  const periods = start.phase === 'current' ? 'current' : 'all';
  let run = start;
  for (;;) {
    const next = await withTenant(db, tenantId, async (tx) => {
      const batch = await recomputeRuns.nextAccounts(tx, tenantId, run.lastAccountId, batchAccounts);
      if (!batch) return null;
      const scoring = await loadScoringContext(tx, tenantId);
      const change: RecomputeChange = {
        ranges: run.kpiKeys.flatMap((key): ReferenceRange[] => {
          const effective = scoring.ranges.get(key);
          return effective ? [effective.range] : [];
        }),
        recombine: run.recombine ? { previousCategoryKeys: run.previousCategoryKeys } : null,
      };
      const effect = await recompute(tx, tenantId, change, scoring, { after: run.lastAccountId, upTo: batch.last }, periods);
      // The history phase meets every account the current one rescored: it alone counts them.
      const counted = { accountsRescored: periods === 'all' ? effect.accountsRescored : 0, tierChanges: effect.tierChanges };
      await recomputeRuns.recordBatch(tx, tenantId, run.id, { accounts: batch.count, lastAccountId: batch.last, ...counted });
      return {
        ...run,
        accountsDone: run.accountsDone + batch.count,
        lastAccountId: batch.last,
        accountsRescored: run.accountsRescored + counted.accountsRescored,
        tierChanges: run.tierChanges + counted.tierChanges,
      };
    });
    if (!next) return run;
    run = next;
    await options.afterBatch?.(run);
  }
}

export interface RecomputeStatus {
  /** The run in progress (or waiting), with its progress; null when none. */
  current: RecomputeRunView | null;
  /** The last finished run, with its effect (or error). */
  last: RecomputeRunView | null;
}

export interface RecomputeRunView {
  id: string;
  status: RecomputeRun['status'];
  /** 'current': every account's current health is being recomputed; 'history': that is done (currentDoneAt) and the older periods follow. */
  phase: RecomputeRun['phase'];
  accountsTotal: number;
  /** Accounts done in the phase. */
  accountsDone: number;
  effect: RecomputeEffect;
  error: string | null;
  requestedAt: Date;
  startedAt: Date | null;
  currentDoneAt: Date | null;
  finishedAt: Date | null;
}

function view(run: RecomputeRun): RecomputeRunView {
  return {
    id: run.id,
    status: run.status,
    phase: run.phase,
    accountsTotal: run.accountsTotal,
    accountsDone: run.accountsDone,
    effect: { accountsRescored: run.accountsRescored, tierChanges: run.tierChanges },
    error: run.status === 'completed' ? null : run.error,
    requestedAt: run.requestedAt,
    startedAt: run.startedAt,
    currentDoneAt: run.currentDoneAt,
    finishedAt: run.finishedAt,
  };
}

/** The tenant's recompute in progress and its last finished one (recompute.status). */
export async function recomputeStatus(db: Db, tenantId: string): Promise<RecomputeStatus> {
  const { current, last } = await recomputeRuns.currentAndLast(db, tenantId);
  return { current: current && view(current), last: last && view(last) };
}
