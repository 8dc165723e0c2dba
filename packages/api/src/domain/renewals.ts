import { accounts, outcomes, type Db, type HealthTier, type Page, type PageRequest, type RenewalOutcome } from '@pulse/db';
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

/** Renewals up to withinDays from today, earliest first, overdue ones flagged. */
export async function listRenewals(db: Db, tenantId: string, filters: RenewalFilters, page: PageRequest, now = new Date()): Promise<Page<Renewal>> {
  const today = isoDay(now);
  const dates =
    filters.overdue === true ? { before: today } : { to: addDays(today, filters.withinDays), ...(filters.overdue === false ? { from: today } : {}) };
  const result = await outcomes.listRenewals(db, tenantId, { ...dates, ownerUserId: filters.ownerUserId }, page);
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

export type RecordedOutcome = Omit<outcomes.NewOutcome, 'accountId' | 'recordedBy'> & {
  id: string;
  recordedBy: { id: string; name: string } | null;
  recordedAt: Date;
};

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
  await accounts.lockAccount(db, actor.tenantId, input.accountId);
  const account = await getAccount(db, actor.tenantId, input.accountId);
  if (account.archivedAt) throw conflict(`${account.name} is archived; restore it before recording a renewal.`);
  if (account.status === 'churned') throw conflict(`${account.name} has already churned.`);
  const next = checkOutcome(input, account, isoDay(now));
  const amount = input.amount ?? null;
  const id = await outcomes.insertOutcome(db, actor.tenantId, {
    accountId: account.id,
    outcome: input.outcome,
    renewalDate: account.renewalDate,
    amount,
    previousRevenue: account.revenue,
    reason: input.reason ?? null,
    nextRenewalDate: next,
    recordedBy: actor.userId as string,
  });
  await accounts.updateAccount(db, actor.tenantId, account.id, {
    ...(next !== null ? { renewal_date: next } : { status: 'churned' as const }),
    ...(amount !== null ? { revenue: amount } : {}),
  });
  await recordActivity(db, {
    ...actor,
    action: 'renewal.record',
    resourceType: 'account',
    resourceId: account.id,
    before: { renewalDate: account.renewalDate, revenue: account.revenue, status: account.status },
    after: { outcome: input.outcome, amount, reason: input.reason ?? null, nextRenewalDate: next },
  });
  return toOutcome(await outcomes.getOutcome(db, actor.tenantId, account.id, id));
}

type OutcomeRow = outcomes.OutcomeRow;

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

/** The account's renewal outcomes, newest first. */
export async function listOutcomes(db: Db, tenantId: string, accountId: string, page: PageRequest): Promise<Page<RecordedOutcome>> {
  await getAccount(db, tenantId, accountId);
  const result = await outcomes.listOutcomes(db, tenantId, accountId, page);
  return { items: result.items.map(toOutcome), nextCursor: result.nextCursor };
}
