import { sql } from 'kysely';
import { paginate, type Db, type HealthTier, type KeyPart, type Page, type PageRequest, type RenewalOutcome } from '@pulse/db';
import { badRequest, conflict } from '../errors.js';
import { getAccount, type Account, type Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { addDays, addYear, daysBetween, isoDay } from './dates.js';
import { resolveBookOwner } from './owners.js';
import type { Caller } from './views.js';

/**
 * Renewals: accounts whose renewal date falls in the next N days, and past renewal dates
 * with no outcome recorded (overdue); archived and churned accounts renew nothing. Recording an outcome keeps it as history; a renewal
 * (renewed, expanded, contracted) rolls the account's renewal date forward, a churn marks
 * the account churned and closes its renewal.
 */

export const renewalWindows = [30, 60, 90, 120] as const;
export type RenewalWindow = (typeof renewalWindows)[number];

export interface Renewal {
  account: { id: string; name: string };
  owner: { id: string; name: string } | null;
  renewalDate: string;
  /** Negative when the date has passed. */
  daysUntil: number;
  /** The date has passed and no outcome was recorded for it. */
  overdue: boolean;
  revenue: number | null;
  health: { overall: number | null; tier: HealthTier; period: string | null; change: number | null };
  openTasks: number;
}

export interface RenewalFilters {
  withinDays: RenewalWindow;
  /** true: only overdue renewals; false: only upcoming ones; absent: both (overdue first). */
  overdue?: boolean | null | undefined;
  /** Already resolved from 'me'; null for everyone's. */
  ownerUserId?: string | null | undefined;
}

function renewalsQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('accounts')
    .select((eb) => [
      'accounts.id',
      'accounts.name',
      'accounts.owner_user_id',
      sql<string>`accounts.renewal_date`.as('renewal_date'),
      'accounts.revenue',
      'accounts.health_overall',
      'accounts.health_tier',
      'accounts.health_period',
      'accounts.health_previous_overall',
      eb
        .selectFrom('users')
        .select('users.name')
        .whereRef('users.tenant_id', '=', 'accounts.tenant_id')
        .whereRef('users.id', '=', 'accounts.owner_user_id')
        .as('owner_name'),
      eb
        .selectFrom('tasks')
        .select(sql<number>`count(*)`.as('n'))
        .whereRef('tasks.tenant_id', '=', 'accounts.tenant_id')
        .whereRef('tasks.account_id', '=', 'accounts.id')
        .where('tasks.status', '=', 'open')
        .as('open_tasks'),
    ])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.archived_at', 'is', null)
    .where('accounts.status', '<>', 'churned')
    .where('accounts.renewal_date', 'is not', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('renewal_outcomes')
            .select('renewal_outcomes.id')
            .whereRef('renewal_outcomes.tenant_id', '=', 'accounts.tenant_id')
            .whereRef('renewal_outcomes.account_id', '=', 'accounts.id')
            .whereRef('renewal_outcomes.renewal_date', '=', 'accounts.renewal_date'),
        ),
      ),
    );
}

type RenewalRow = Awaited<ReturnType<ReturnType<typeof renewalsQuery>['executeTakeFirstOrThrow']>>;

const byRenewalDate: KeyPart<RenewalRow>[] = [
  { column: sql.ref('accounts.renewal_date'), value: (r) => r.renewal_date },
  { column: sql.ref('accounts.id'), value: (r) => r.id },
];

/** Renewals up to withinDays from today, earliest first, overdue ones flagged. */
/** The renewals list with whose book it shows as the caller named it ('me', a user's id, or null for everyone's). */
export async function listBookRenewals(
  db: Db,
  caller: Caller,
  filters: Omit<RenewalFilters, 'ownerUserId'> & { owner?: string | null | undefined },
  page: PageRequest,
): Promise<Page<Renewal>> {
  const { owner, ...rest } = filters;
  return listRenewals(db, caller.tenantId, { ...rest, ownerUserId: await resolveBookOwner(db, caller, owner) }, page);
}

export async function listRenewals(db: Db, tenantId: string, filters: RenewalFilters, page: PageRequest, now = new Date()): Promise<Page<Renewal>> {
  const today = isoDay(now);
  let q = renewalsQuery(db, tenantId);
  if (filters.overdue === true) q = q.where('accounts.renewal_date', '<', today);
  else q = q.where('accounts.renewal_date', '<=', addDays(today, filters.withinDays));
  if (filters.overdue === false) q = q.where('accounts.renewal_date', '>=', today);
  if (filters.ownerUserId) q = q.where('accounts.owner_user_id', '=', filters.ownerUserId);
  const result = await paginate(q, byRenewalDate, page);
  return {
    items: result.items.map((r) => ({
      account: { id: r.id, name: r.name },
      owner: r.owner_user_id && r.owner_name ? { id: r.owner_user_id, name: r.owner_name } : null,
      renewalDate: r.renewal_date,
      daysUntil: daysBetween(today, r.renewal_date),
      overdue: r.renewal_date < today,
      revenue: r.revenue,
      health: {
        overall: r.health_overall,
        tier: r.health_tier,
        period: r.health_period,
        change: r.health_overall !== null && r.health_previous_overall !== null ? r.health_overall - r.health_previous_overall : null,
      },
      openTasks: Number(r.open_tasks ?? 0),
    })),
    nextCursor: result.nextCursor,
  };
}

export interface OutcomeInput {
  accountId: string;
  outcome: RenewalOutcome;
  amount?: number | null | undefined;
  reason?: string | null | undefined;
  nextRenewalDate?: string | null | undefined;
}

export interface RecordedOutcome {
  id: string;
  outcome: RenewalOutcome;
  renewalDate: string | null;
  amount: number | null;
  previousRevenue: number | null;
  reason: string | null;
  nextRenewalDate: string | null;
  recordedBy: { id: string; name: string } | null;
  recordedAt: Date;
}

function checkOutcome(input: OutcomeInput, account: Account, today: string): string | null {
  const problems: Record<string, string[]> = {};
  if ((input.outcome === 'expanded' || input.outcome === 'contracted') && input.amount == null) {
    problems.amount = [`Enter the new amount the account ${input.outcome} to.`];
  }
  if (input.outcome === 'churned' && !input.reason) problems.reason = ['Say why the account churned.'];
  if (input.outcome === 'churned' && input.nextRenewalDate) problems.nextRenewalDate = ['A churned account has no next renewal.'];
  const closes = account.renewalDate ?? today;
  const next = input.outcome === 'churned' ? null : (input.nextRenewalDate ?? addYear(closes));
  if (next !== null && next <= closes) problems.nextRenewalDate = [`The next renewal date must be after ${closes}.`];
  const first = Object.values(problems)[0];
  if (first) throw badRequest(first[0] as string, problems);
  return next;
}

/** Records the outcome of the account's current renewal and rolls its renewal date forward. */
export async function recordOutcome(db: Db, actor: Actor, input: OutcomeInput, now = new Date()): Promise<RecordedOutcome> {
  // One outcome at a time per account: a second request waits and then sees the rolled-forward date.
  await db
    .selectFrom('accounts')
    .select('accounts.id')
    .where('accounts.tenant_id', '=', actor.tenantId)
    .where('accounts.id', '=', input.accountId)
    .forUpdate()
    .execute();
  const account = await getAccount(db, actor.tenantId, input.accountId);
  if (account.archivedAt) throw conflict(`${account.name} is archived; restore it before recording a renewal.`);
  if (account.status === 'churned') throw conflict(`${account.name} has already churned.`);
  const next = checkOutcome(input, account, isoDay(now));
  const amount = input.amount ?? null;
  const row = await db
    .insertInto('renewal_outcomes')
    .values({
      tenant_id: actor.tenantId,
      account_id: account.id,
      outcome: input.outcome,
      renewal_date: account.renewalDate,
      amount,
      previous_revenue: account.revenue,
      reason: input.reason ?? null,
      next_renewal_date: next,
      recorded_by: actor.userId as string,
    })
    .returning('renewal_outcomes.id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('accounts')
    .set({
      ...(next !== null ? { renewal_date: next } : { status: 'churned' as const }),
      ...(amount !== null ? { revenue: amount } : {}),
      updated_at: new Date(),
    })
    .where('accounts.tenant_id', '=', actor.tenantId)
    .where('accounts.id', '=', account.id)
    .execute();
  await recordActivity(db, {
    ...actor,
    action: 'renewal.record',
    resourceType: 'account',
    resourceId: account.id,
    before: { renewalDate: account.renewalDate, revenue: account.revenue, status: account.status },
    after: { outcome: input.outcome, amount, reason: input.reason ?? null, nextRenewalDate: next },
  });
  return toOutcome(await outcomesQuery(db, actor.tenantId, account.id).where('renewal_outcomes.id', '=', row.id).executeTakeFirstOrThrow());
}

function outcomesQuery(db: Db, tenantId: string, accountId: string) {
  return db
    .selectFrom('renewal_outcomes')
    .leftJoin('users', (j) => j.onRef('users.tenant_id', '=', 'renewal_outcomes.tenant_id').onRef('users.id', '=', 'renewal_outcomes.recorded_by'))
    .select([
      'renewal_outcomes.id',
      'renewal_outcomes.outcome',
      'renewal_outcomes.renewal_date',
      'renewal_outcomes.amount',
      'renewal_outcomes.previous_revenue',
      'renewal_outcomes.reason',
      'renewal_outcomes.next_renewal_date',
      'renewal_outcomes.recorded_at',
      'users.id as user_id',
      'users.name as user_name',
    ])
    .where('renewal_outcomes.tenant_id', '=', tenantId)
    .where('renewal_outcomes.account_id', '=', accountId);
}

type OutcomeRow = Awaited<ReturnType<ReturnType<typeof outcomesQuery>['executeTakeFirstOrThrow']>>;

function toOutcome(r: OutcomeRow): RecordedOutcome {
  return {
    id: r.id,
    outcome: r.outcome,
    renewalDate: r.renewal_date,
    amount: r.amount,
    previousRevenue: r.previous_revenue,
    reason: r.reason,
    nextRenewalDate: r.next_renewal_date,
    recordedBy: r.user_id && r.user_name ? { id: r.user_id, name: r.user_name } : null,
    recordedAt: r.recorded_at,
  };
}

const newestFirst: KeyPart<OutcomeRow>[] = [
  { column: sql.ref('renewal_outcomes.recorded_at'), value: (r) => r.recorded_at.toISOString(), direction: 'desc' },
  { column: sql.ref('renewal_outcomes.id'), value: (r) => r.id, direction: 'desc' },
];

/** The account's renewal outcomes, newest first. */
export async function listOutcomes(db: Db, tenantId: string, accountId: string, page: PageRequest): Promise<Page<RecordedOutcome>> {
  await getAccount(db, tenantId, accountId);
  const result = await paginate(outcomesQuery(db, tenantId, accountId), newestFirst, page);
  return { items: result.items.map(toOutcome), nextCursor: result.nextCursor };
}
