import { sql, type Kysely } from 'kysely';
import type { Database, HealthTier } from '../schema.js';

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
