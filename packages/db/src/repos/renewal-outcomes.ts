import { sql, type Kysely } from 'kysely';
import { paginate, type KeyPart, type Page, type PageRequest } from '../pagination.js';
import type { Database, HealthTier } from '../schema.js';
import type { RenewalOutcome } from '../vocabulary.js';
import type { Db } from '../tenancy.js';

/**
 * The churn-signal report's counts, computed in SQL. Each renewal outcome with a renewal date
 * is one observation; it is paired with the account's stored account-level health
 * (account_health, product_id null) of the month monthsBefore months before that date.
 */

/** Observations by the tier the account had then (`none`: no health stored for that month) and by outcome. */
export interface TierCount {
  tier: HealthTier | 'none';
  churned: boolean;
  outcomes: number;
  /** Mean account score of these observations; null when none has a score. */
  meanScore: number | null;
}

/** Scored observations of one category (its stored score was not null), and how many were critical then. */
export interface CategoryCount {
  category: string;
  churned: boolean;
  scored: number;
  /** The category's score was below the organisation's at-risk threshold. */
  critical: number;
}

function observations(tenantId: string, monthsBefore: number) {
  return sql`
    SELECT o.outcome = 'churned' AS churned, h.overall, h.tier, h.categories
    FROM renewal_outcomes o
    LEFT JOIN account_health h
      ON h.tenant_id = o.tenant_id AND h.account_id = o.account_id AND h.product_id IS NULL
     AND h.period = to_char(o.renewal_date - make_interval(months => ${monthsBefore}), 'YYYY-MM')
    WHERE o.tenant_id = ${tenantId} AND o.renewal_date IS NOT NULL`;
}

export async function tierCounts(db: Kysely<Database>, tenantId: string, monthsBefore: number): Promise<TierCount[]> {
  const { rows } = await sql<{ tier: HealthTier | 'none'; churned: boolean; outcomes: number; mean_score: number | null }>`
    WITH obs AS (${observations(tenantId, monthsBefore)})
    SELECT coalesce(tier, 'none') AS tier, churned, count(*)::int AS outcomes, avg(overall)::float8 AS mean_score
    FROM obs
    GROUP BY 1, 2
    ORDER BY 1, 2
  `.execute(db);
  return rows.map((r) => ({ tier: r.tier, churned: r.churned, outcomes: r.outcomes, meanScore: r.mean_score }));
}

export async function categoryCounts(db: Kysely<Database>, tenantId: string, monthsBefore: number): Promise<CategoryCount[]> {
  const { rows } = await sql<CategoryCount>`
    WITH obs AS (${observations(tenantId, monthsBefore)}),
    threshold AS (SELECT s.tier_at_risk FROM tenant_settings s WHERE s.tenant_id = ${tenantId})
    SELECT c.value ->> 'category' AS category, obs.churned,
           count(*)::int AS scored,
           (count(*) FILTER (WHERE (c.value ->> 'score')::float8 < threshold.tier_at_risk))::int AS critical
    FROM obs
    CROSS JOIN threshold
    CROSS JOIN LATERAL jsonb_array_elements(obs.categories) AS c(value)
    WHERE obs.categories IS NOT NULL AND jsonb_typeof(c.value -> 'score') = 'number'
    GROUP BY 1, 2
    ORDER BY 1, 2
  `.execute(db);
  return rows;
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

export type RenewalRow = Awaited<ReturnType<ReturnType<typeof renewalsQuery>['executeTakeFirstOrThrow']>>;

const byRenewalDate: KeyPart<RenewalRow>[] = [
  { column: sql.ref('accounts.renewal_date'), value: (r) => r.renewal_date },
  { column: sql.ref('accounts.id'), value: (r) => r.id },
];

export interface RenewalListFilters {
  /** Renewal dates before this day (exclusive). */
  before?: string | undefined;
  /** Renewal dates from this day (inclusive). */
  from?: string | undefined;
  /** Renewal dates up to this day (inclusive). */
  to?: string | undefined;
  ownerUserId?: string | null | undefined;
}

/**
 * Accounts with a renewal still to record (not archived, not churned, no outcome for their
 * current renewal date) by renewal date, earliest first, with owner name and open tasks.
 */
export async function listRenewals(db: Db, tenantId: string, filters: RenewalListFilters, page: PageRequest): Promise<Page<RenewalRow>> {
  let q = renewalsQuery(db, tenantId);
  if (filters.before !== undefined) q = q.where('accounts.renewal_date', '<', filters.before);
  if (filters.to !== undefined) q = q.where('accounts.renewal_date', '<=', filters.to);
  if (filters.from !== undefined) q = q.where('accounts.renewal_date', '>=', filters.from);
  if (filters.ownerUserId) q = q.where('accounts.owner_user_id', '=', filters.ownerUserId);
  return paginate(q, byRenewalDate, page);
}

export interface NewOutcome {
  accountId: string;
  outcome: RenewalOutcome;
  renewalDate: string | null;
  amount: number | null;
  previousRevenue: number | null;
  reason: string | null;
  nextRenewalDate: string | null;
  recordedBy: string;
}

/** Stores a renewal outcome; returns its id. */
export async function insertOutcome(db: Db, tenantId: string, outcome: NewOutcome): Promise<string> {
  const row = await db
    .insertInto('renewal_outcomes')
    .values({
      tenant_id: tenantId,
      account_id: outcome.accountId,
      outcome: outcome.outcome,
      renewal_date: outcome.renewalDate,
      amount: outcome.amount,
      previous_revenue: outcome.previousRevenue,
      reason: outcome.reason,
      next_renewal_date: outcome.nextRenewalDate,
      recorded_by: outcome.recordedBy,
    })
    .returning('renewal_outcomes.id')
    .executeTakeFirstOrThrow();
  return row.id;
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

export type OutcomeRow = Awaited<ReturnType<ReturnType<typeof outcomesQuery>['executeTakeFirstOrThrow']>>;

/** One outcome of the account, which must exist. */
export async function getOutcome(db: Db, tenantId: string, accountId: string, id: string): Promise<OutcomeRow> {
  return outcomesQuery(db, tenantId, accountId).where('renewal_outcomes.id', '=', id).executeTakeFirstOrThrow();
}

const newestFirst: KeyPart<OutcomeRow>[] = [
  { column: sql.ref('renewal_outcomes.recorded_at'), value: (r) => r.recorded_at.toISOString(), direction: 'desc' },
  { column: sql.ref('renewal_outcomes.id'), value: (r) => r.id, direction: 'desc' },
];

/** The account's renewal outcomes with who recorded them, newest first. */
export async function listOutcomes(db: Db, tenantId: string, accountId: string, page: PageRequest): Promise<Page<OutcomeRow>> {
  return paginate(outcomesQuery(db, tenantId, accountId), newestFirst, page);
}
