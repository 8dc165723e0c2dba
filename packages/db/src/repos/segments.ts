import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, SegmentRuleJson } from '../schema.js';

/**
 * Segments: an admin's rule on account fields with optional category weights and tier
 * thresholds. Which segment an account uses is decided here, in SQL, so thousands of accounts
 * are placed in one statement: the first segment by position whose rule matches.
 */

type Q = Kysely<Database>;

export interface SegmentRow {
  id: string;
  name: string;
  position: number;
  rule: SegmentRuleJson;
  categoryWeights: Record<string, number> | null;
  tiers: { healthy: number; atRisk: number } | null;
  /** Accounts whose segment_id is this segment now. */
  accountCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface SegmentValues {
  name: string;
  position: number;
  rule: SegmentRuleJson;
  categoryWeights: Record<string, number> | null;
  tiers: { healthy: number; atRisk: number } | null;
}

function selectSegments(db: Q, tenantId: string) {
  return db
    .selectFrom('segments')
    .select([
      'segments.id',
      'segments.name',
      'segments.position',
      'segments.rule',
      'segments.category_weights',
      'segments.tier_healthy',
      'segments.tier_at_risk',
      'segments.created_at',
      'segments.updated_at',
      (eb) =>
        eb
          .selectFrom('accounts')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('accounts.tenant_id', '=', 'segments.tenant_id')
          .whereRef('accounts.segment_id', '=', 'segments.id')
          .as('account_count'),
    ])
    .where('segments.tenant_id', '=', tenantId);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectSegments>['executeTakeFirstOrThrow']>>;

const toSegment = (r: Row): SegmentRow => ({
  id: r.id,
  name: r.name,
  position: r.position,
  rule: r.rule,
  categoryWeights: r.category_weights,
  tiers: r.tier_healthy === null || r.tier_at_risk === null ? null : { healthy: r.tier_healthy, atRisk: r.tier_at_risk },
  accountCount: Number(r.account_count ?? 0),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The tenant's segments in matching order (position, then id). */
export async function listSegments(db: Q, tenantId: string): Promise<SegmentRow[]> {
  const rows = await selectSegments(db, tenantId).orderBy('segments.position').orderBy('segments.id').execute();
  return rows.map(toSegment);
}

export interface SegmentSettingsRow {
  id: string;
  name: string;
  categoryWeights: Record<string, number> | null;
  tiers: { healthy: number; atRisk: number } | null;
}

/** What scoring needs of each segment: its overrides (null: the organisation's). */
export async function listSegmentSettings(db: Q, tenantId: string): Promise<SegmentSettingsRow[]> {
  const rows = await db
    .selectFrom('segments')
    .select(['segments.id', 'segments.name', 'segments.category_weights', 'segments.tier_healthy', 'segments.tier_at_risk'])
    .where('segments.tenant_id', '=', tenantId)
    .orderBy('segments.position')
    .orderBy('segments.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    categoryWeights: r.category_weights,
    tiers: r.tier_healthy === null || r.tier_at_risk === null ? null : { healthy: r.tier_healthy, atRisk: r.tier_at_risk },
  }));
}

/** One segment of the tenant; null when it does not exist or is another tenant's. */
export async function findSegment(db: Q, tenantId: string, id: string): Promise<SegmentRow | null> {
  const row = await selectSegments(db, tenantId).where('segments.id', '=', id).executeTakeFirst();
  return row ? toSegment(row) : null;
}

/** The id of the tenant's segment with this name key (another than `exceptId`), or null. */
export async function findSegmentIdByNameKey(db: Q, tenantId: string, nameKey: string, exceptId: string | null): Promise<string | null> {
  let q = db.selectFrom('segments').select('segments.id').where('segments.tenant_id', '=', tenantId).where('segments.name_key', '=', nameKey);
  if (exceptId !== null) q = q.where('segments.id', '<>', exceptId);
  const row = await q.executeTakeFirst();
  return row?.id ?? null;
}

function columns(values: SegmentValues, nameKey: string) {
  return {
    name: values.name,
    name_key: nameKey,
    position: values.position,
    rule: JSON.stringify(values.rule),
    category_weights: values.categoryWeights === null ? null : JSON.stringify(values.categoryWeights),
    tier_healthy: values.tiers?.healthy ?? null,
    tier_at_risk: values.tiers?.atRisk ?? null,
  };
}

export async function insertSegment(db: Q, tenantId: string, values: SegmentValues, nameKey: string): Promise<string> {
  const row = await db
    .insertInto('segments')
    .values({ tenant_id: tenantId, ...columns(values, nameKey) })
    .returning('segments.id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateSegment(db: Q, tenantId: string, id: string, values: SegmentValues, nameKey: string): Promise<void> {
  await db
    .updateTable('segments')
    .set({ ...columns(values, nameKey), updated_at: new Date() })
    .where('segments.tenant_id', '=', tenantId)
    .where('segments.id', '=', id)
    .execute();
}

/** Deletes a segment; its accounts' and healths' segment_id become null (foreign keys). */
export async function deleteSegment(db: Q, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('segments').where('segments.tenant_id', '=', tenantId).where('segments.id', '=', id).execute();
}

/** Numbers the given segments 1, 2, 3… in the order given (only rows whose position changes are written). */
export async function setSegmentPositions(db: Q, tenantId: string, orderedIds: readonly string[]): Promise<void> {
  if (orderedIds.length === 0) return;
  await sql`
    UPDATE segments s SET position = o.position
    FROM unnest(${[...orderedIds]}::uuid[]) WITH ORDINALITY AS o(id, position)
    WHERE s.tenant_id = ${tenantId} AND s.id = o.id AND s.position IS DISTINCT FROM o.position::int
  `.execute(db);
}

/** The ids of the accounts that use this segment now. */
export async function accountIdsInSegment(db: Q, tenantId: string, segmentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('accounts')
    .select('accounts.id')
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.segment_id', '=', segmentId)
    .execute();
  return rows.map((r) => r.id);
}

/** Each given account's segment (null: the organisation's settings), by account id. */
export async function segmentsOfAccounts(db: Q, tenantId: string, accountIds: readonly string[]): Promise<Map<string, string | null>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('accounts')
    .select(['accounts.id', 'accounts.segment_id'])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.id', 'in', [...accountIds])
    .execute();
  return new Map(rows.map((r) => [r.id, r.segment_id]));
}

/** A segment's rule as a condition on the account `a` (segment `s`): every given field matches, text compared case-insensitively. */
function ruleMatches(): RawBuilder<unknown> {
  const listed = (field: string, column: string) =>
    sql`(NOT (s.rule ? ${field}) OR EXISTS (
      SELECT 1 FROM jsonb_array_elements_text(s.rule -> ${field}) AS v(value) WHERE lower(v.value) = lower(btrim(${sql.ref(column)}))))`;
  return sql`${listed('tiers', 'a.tier')} AND ${listed('industries', 'a.industry')} AND ${listed('regions', 'a.region')}
    AND ${listed('lifecycleStages', 'a.lifecycle_stage')}
    AND (s.rule #>> '{revenue,min}' IS NULL OR coalesce(a.revenue >= (s.rule #>> '{revenue,min}')::float8, false))
    AND (s.rule #>> '{revenue,max}' IS NULL OR coalesce(a.revenue < (s.rule #>> '{revenue,max}')::float8, false))`;
}

export interface SegmentMove {
  accountId: string;
  from: string | null;
  to: string | null;
}

/**
 * Places the given accounts (null: all the tenant's) in the first segment by position whose
 * rule they match (none: null); writes and returns only the accounts whose segment changes.
 */
export async function assignSegments(db: Q, tenantId: string, accountIds: readonly string[] | null): Promise<SegmentMove[]> {
  if (accountIds !== null && accountIds.length === 0) return [];
  const scope = accountIds === null ? sql`` : sql`AND a.id = ANY(${[...accountIds]}::uuid[])`;
  const { rows } = await sql<{ id: string; previous: string | null; segment_id: string | null }>`
    WITH target AS (
      SELECT a.id, a.segment_id AS previous, (
        SELECT s.id FROM segments s WHERE s.tenant_id = a.tenant_id AND ${ruleMatches()}
        ORDER BY s.position, s.id LIMIT 1
      ) AS segment_id
      FROM accounts a
      WHERE a.tenant_id = ${tenantId} ${scope}
    )
    UPDATE accounts a SET segment_id = t.segment_id
    FROM target t
    WHERE a.tenant_id = ${tenantId} AND a.id = t.id AND t.previous IS DISTINCT FROM t.segment_id
    RETURNING a.id, t.previous, t.segment_id
  `.execute(db);
  return rows.map((r) => ({ accountId: r.id, from: r.previous, to: r.segment_id }));
}

export interface SegmentFieldValues {
  tiers: string[];
  industries: string[];
  regions: string[];
  lifecycleStages: string[];
}

/** The distinct non-empty values of the fields a rule can name, in the tenant's accounts, alphabetically (one spelling per value, ignoring case). */
export async function segmentFieldValues(db: Q, tenantId: string): Promise<SegmentFieldValues> {
  const distinct = async (column: 'tier' | 'industry' | 'region' | 'lifecycle_stage'): Promise<string[]> => {
    const { rows } = await sql<{ value: string }>`
      SELECT min(btrim(${sql.ref(`a.${column}`)})) AS value FROM accounts a
      WHERE a.tenant_id = ${tenantId} AND btrim(coalesce(${sql.ref(`a.${column}`)}, '')) <> ''
      GROUP BY lower(btrim(${sql.ref(`a.${column}`)}))
      ORDER BY lower(btrim(${sql.ref(`a.${column}`)}))
    `.execute(db);
    return rows.map((r) => r.value);
  };
  const [tiers, industries, regions, lifecycleStages] = await Promise.all([
    distinct('tier'),
    distinct('industry'),
    distinct('region'),
    distinct('lifecycle_stage'),
  ]);
  return { tiers, industries, regions, lifecycleStages };
}
