import { sql } from 'kysely';
import { bulkInsert } from '../bulk.js';
import { paginate, type Page, type PageRequest } from '../pagination.js';
import type { HealthTier, RecommendationReason } from '../schema.js';
import type { Db } from '../tenancy.js';

/** Accounts evaluated: a list of ids, or every account of the tenant. */
export type AccountScope = string[] | 'all';

/** What the trigger evaluators read of one account. */
export interface TriggerAccountState {
  id: string;
  overall: number | null;
  tier: HealthTier;
  period: string | null;
  renewalDate: string | null;
  previousPeriod: string | null;
  previousOverall: number | null;
  /** The segment whose tiers the account's health is judged by (null: the organisation's). */
  segmentId: string | null;
  /** Values of the requested KPIs in the account's latest period (one per product, or one for the account), by KPI key. */
  kpis: Map<string, number[]>;
}

const inScope = (column: string, accountIds: string[]) => sql<boolean>`${sql.ref(column)} = ANY(${accountIds}::uuid[])`;

/**
 * The live accounts (not archived, not churned) in scope, with their current and previous
 * health and the readings of the given KPI keys in their latest period.
 */
export async function loadTriggerAccountStates(db: Db, tenantId: string, accountIds: AccountScope, kpiKeys: string[]): Promise<TriggerAccountState[]> {
  let q = db
    .selectFrom('accounts')
    .select([
      'accounts.id',
      'accounts.health_overall',
      'accounts.health_tier',
      'accounts.health_period',
      'accounts.renewal_date',
      'accounts.health_previous_period',
      'accounts.health_previous_overall',
      'accounts.segment_id',
    ])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.archived_at', 'is', null)
    .where('accounts.status', '<>', 'churned');
  if (accountIds !== 'all') q = q.where(inScope('accounts.id', accountIds));
  const rows = await q.execute();

  const kpis = new Map<string, Map<string, number[]>>();
  if (kpiKeys.length && rows.length) {
    let k = db
      .selectFrom('kpi_readings')
      .innerJoin('accounts', (j) =>
        j
          .onRef('accounts.tenant_id', '=', 'kpi_readings.tenant_id')
          .onRef('accounts.id', '=', 'kpi_readings.account_id')
          .onRef('accounts.health_period', '=', 'kpi_readings.period'),
      )
      .select(['kpi_readings.account_id', 'kpi_readings.kpi_key', 'kpi_readings.value'])
      .where('kpi_readings.tenant_id', '=', tenantId)
      .where('kpi_readings.kpi_key', 'in', kpiKeys)
      .where('kpi_readings.value', 'is not', null);
    if (accountIds !== 'all') k = k.where(inScope('kpi_readings.account_id', accountIds));
    for (const r of await k.execute()) {
      const byKpi = kpis.get(r.account_id) ?? new Map<string, number[]>();
      byKpi.set(r.kpi_key, [...(byKpi.get(r.kpi_key) ?? []), r.value as number]);
      kpis.set(r.account_id, byKpi);
    }
  }
  return rows.map((r) => ({
    id: r.id,
    overall: r.health_overall,
    tier: r.health_tier,
    period: r.health_period,
    renewalDate: r.renewal_date,
    previousPeriod: r.health_previous_period,
    previousOverall: r.health_previous_overall,
    segmentId: r.segment_id,
    kpis: kpis.get(r.id) ?? new Map(),
  }));
}

/** The (account, playbook) pairs recommended now, as `accountId|playbookKey`. */
export async function currentRecommendationPairs(db: Db, tenantId: string, accountIds: AccountScope): Promise<Set<string>> {
  if (accountIds !== 'all' && accountIds.length === 0) return new Set();
  let q = db
    .selectFrom('playbook_recommendations')
    .select(['playbook_recommendations.account_id', 'playbook_recommendations.playbook_key'])
    .where('playbook_recommendations.tenant_id', '=', tenantId)
    .where('playbook_recommendations.superseded_at', 'is', null);
  if (accountIds !== 'all') q = q.where(inScope('playbook_recommendations.account_id', accountIds));
  return new Set((await q.execute()).map((r) => `${r.account_id}|${r.playbook_key}`));
}

/**
 * Retires the current recommendations of the accounts: those an execution links to are
 * marked superseded, then the rest are deleted.
 */
export async function retireRecommendations(db: Db, tenantId: string, accountIds: AccountScope, now: Date): Promise<void> {
  if (accountIds !== 'all' && accountIds.length === 0) return;
  let update = db
    .updateTable('playbook_recommendations')
    .set({ superseded_at: now })
    .where('playbook_recommendations.tenant_id', '=', tenantId)
    .where('playbook_recommendations.superseded_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('playbook_executions')
          .select('playbook_executions.id')
          .whereRef('playbook_executions.tenant_id', '=', 'playbook_recommendations.tenant_id')
          .whereRef('playbook_executions.recommendation_id', '=', 'playbook_recommendations.id'),
      ),
    );
  let remove = db
    .deleteFrom('playbook_recommendations')
    .where('playbook_recommendations.tenant_id', '=', tenantId)
    .where('playbook_recommendations.superseded_at', 'is', null);
  if (accountIds !== 'all') {
    const scoped = inScope('playbook_recommendations.account_id', accountIds);
    update = update.where(scoped);
    remove = remove.where(scoped);
  }
  await update.execute();
  await remove.execute();
}

export interface NewRecommendation {
  triggerId: string;
  playbookKey: string;
  accountId: string;
  urgency: number;
  reasons: RecommendationReason[];
}

/** Inserts current recommendations, all fired at `firedAt`. */
export async function insertRecommendations(db: Db, tenantId: string, rows: NewRecommendation[], firedAt: Date): Promise<void> {
  await bulkInsert(db, 'playbook_recommendations', [
    { name: 'tenant_id', type: 'uuid', values: rows.map(() => tenantId) },
    { name: 'trigger_id', type: 'uuid', values: rows.map((r) => r.triggerId) },
    { name: 'playbook_key', type: 'text', values: rows.map((r) => r.playbookKey) },
    { name: 'account_id', type: 'uuid', values: rows.map((r) => r.accountId) },
    { name: 'urgency', type: 'float8', values: rows.map((r) => r.urgency) },
    { name: 'reasons', type: 'jsonb', values: rows.map((r) => JSON.stringify(r.reasons)) },
    { name: 'fired_at', type: 'timestamptz', values: rows.map(() => firedAt.toISOString()) },
  ]);
}

/** Names of the tenant's accounts by id (for announcing recommendations). */
export async function recommendedAccountNames(db: Db, tenantId: string, accountIds: string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('accounts')
    .select(['accounts.id', 'accounts.name'])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.id', 'in', accountIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

function recommendationsQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('playbook_recommendations')
    .innerJoin('accounts', (j) =>
      j.onRef('accounts.tenant_id', '=', 'playbook_recommendations.tenant_id').onRef('accounts.id', '=', 'playbook_recommendations.account_id'),
    )
    .select([
      'playbook_recommendations.id',
      'playbook_recommendations.playbook_key',
      'playbook_recommendations.urgency',
      'playbook_recommendations.reasons',
      'playbook_recommendations.fired_at',
      'accounts.id as account_id',
      'accounts.name as account_name',
      'accounts.health_overall',
      'accounts.health_tier',
      'accounts.renewal_date',
    ])
    .where('playbook_recommendations.tenant_id', '=', tenantId);
}

export type RecommendationRow = Awaited<ReturnType<ReturnType<typeof recommendationsQuery>['executeTakeFirstOrThrow']>>;

export interface RecommendationFilters {
  playbookKey?: string | null | undefined;
  accountId?: string | null | undefined;
  /** Only accounts this user owns. */
  ownerUserId?: string | null | undefined;
}

/**
 * Current recommendations, most urgent first. Left out: those a playbook was already
 * started from, accounts already running the playbook, and archived accounts.
 */
export async function listCurrentRecommendations(
  db: Db,
  tenantId: string,
  filters: RecommendationFilters,
  page: PageRequest,
): Promise<Page<RecommendationRow>> {
  let q = recommendationsQuery(db, tenantId)
    .where('playbook_recommendations.superseded_at', 'is', null)
    .where('accounts.archived_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('playbook_executions')
            .select('playbook_executions.id')
            .whereRef('playbook_executions.tenant_id', '=', 'playbook_recommendations.tenant_id')
            .whereRef('playbook_executions.account_id', '=', 'playbook_recommendations.account_id')
            .whereRef('playbook_executions.playbook_key', '=', 'playbook_recommendations.playbook_key')
            .where('playbook_executions.status', 'in', ['active', 'paused']),
        ),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('playbook_executions')
            .select('playbook_executions.id')
            .whereRef('playbook_executions.tenant_id', '=', 'playbook_recommendations.tenant_id')
            .whereRef('playbook_executions.recommendation_id', '=', 'playbook_recommendations.id'),
        ),
      ),
    );
  if (filters.playbookKey) q = q.where('playbook_recommendations.playbook_key', '=', filters.playbookKey);
  if (filters.accountId) q = q.where('playbook_recommendations.account_id', '=', filters.accountId);
  if (filters.ownerUserId) q = q.where('accounts.owner_user_id', '=', filters.ownerUserId);
  return paginate(
    q,
    [
      { column: sql.ref('playbook_recommendations.urgency'), value: (r) => r.urgency, direction: 'desc' },
      { column: sql.ref('playbook_recommendations.id'), value: (r) => r.id },
    ],
    page,
  );
}

/** A recommendation of the tenant, current or superseded; undefined when there is none. */
export async function findRecommendation(db: Db, tenantId: string, id: string): Promise<RecommendationRow | undefined> {
  return recommendationsQuery(db, tenantId).where('playbook_recommendations.id', '=', id).executeTakeFirst();
}
