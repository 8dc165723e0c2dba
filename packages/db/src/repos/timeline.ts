import { sql, type Kysely, type RawBuilder } from 'kysely';
import { paginate, type KeyPart, type Page, type PageRequest } from '../pagination.js';
import type { Database } from '../schema.js';

type Q = Kysely<Database>;

export type TimelineKind = 'note' | 'health' | 'upload' | 'playbook' | 'task' | 'renewal' | 'sentiment';
export const timelineKinds: TimelineKind[] = ['note', 'health', 'upload', 'playbook', 'task', 'renewal', 'sentiment'];

/**
 * One timeline event, the same columns whatever its kind:
 * - event: what happened within the kind (the note's kind, the new tier, started/step_done/
 *   completed/cancelled, created/done, the renewal outcome, the upload's status, the period);
 * - title and detail: the words it is told with (see the domain's sentence for each kind);
 * - source_id: the row it links to; value: a number some kinds carry.
 */
export interface TimelineRow {
  key: string;
  kind: TimelineKind;
  event: string;
  occurred_at: Date;
  actor: string | null;
  title: string | null;
  detail: string | null;
  source_id: string;
  value: number | null;
}

/**
 * Each kind's SELECT, restricted to the tenant and account so each uses its account index.
 * A health event is a period whose tier differs from the period before it (account level),
 * dated at the first instant (UTC) of the period.
 */
function branches(tenantId: string, accountId: string): Record<TimelineKind, RawBuilder<unknown>> {
  const actor = (column: RawBuilder<unknown>) => sql`(SELECT u.name FROM users u WHERE u.tenant_id = ${tenantId} AND u.id = ${column})`;
  return {
    note: sql`
      SELECT 'note:' || n.id AS key, 'note'::text AS kind, n.kind AS event, n.occurred_at, ${actor(sql`n.author_id`)} AS actor,
             n.body AS title, array_to_string(n.participants, ', ') AS detail, n.id::text AS source_id, NULL::float8 AS value
      FROM notes n WHERE n.tenant_id = ${tenantId} AND n.account_id = ${accountId}`,
    health: sql`
      SELECT 'health:' || h.period, 'health', h.tier, (h.period || '-01T00:00:00Z')::timestamptz, NULL::text,
             h.previous_tier, h.period, h.period, h.overall
      FROM (
        SELECT ah.period, ah.tier, ah.overall, lag(ah.tier) OVER (ORDER BY ah.period) AS previous_tier
        FROM account_health ah
        WHERE ah.tenant_id = ${tenantId} AND ah.account_id = ${accountId} AND ah.product_id IS NULL
      ) h
      WHERE h.previous_tier <> h.tier`,
    upload: sql`
      SELECT 'upload:' || v.id, 'upload', v.period, v.created_at, ${actor(sql`ku.uploaded_by`)},
             ku.filename, 'version ' || v.version, ku.id::text, v.reading_count::float8
      FROM kpi_upload_versions v
      JOIN kpi_uploads ku ON ku.tenant_id = v.tenant_id AND ku.id = v.upload_id
      WHERE v.tenant_id = ${tenantId} AND v.account_id = ${accountId}`,
    playbook: sql`
      SELECT 'playbook-start:' || e.id, 'playbook', 'started', e.started_at, ${actor(sql`e.started_by`)},
             e.playbook_key, NULL::text, e.id::text, e.health_at_start
      FROM playbook_executions e WHERE e.tenant_id = ${tenantId} AND e.account_id = ${accountId}
      UNION ALL
      SELECT 'playbook-step:' || s.id, 'playbook', 'step_done', s.completed_at, ${actor(sql`s.completed_by`)},
             e.playbook_key, s.title, e.id::text, s.position::float8
      FROM playbook_executions e
      JOIN playbook_execution_steps s ON s.tenant_id = e.tenant_id AND s.execution_id = e.id
      WHERE e.tenant_id = ${tenantId} AND e.account_id = ${accountId} AND s.status = 'done' AND s.completed_at IS NOT NULL
      UNION ALL
      SELECT 'playbook-end:' || e.id, 'playbook', e.status, e.ended_at, NULL::text,
             e.playbook_key, e.closing_note, e.id::text, NULL::float8
      FROM playbook_executions e
      WHERE e.tenant_id = ${tenantId} AND e.account_id = ${accountId} AND e.status IN ('completed', 'cancelled') AND e.ended_at IS NOT NULL`,
    task: sql`
      SELECT 'task-created:' || t.id, 'task', 'created', t.created_at, ${actor(sql`t.created_by`)},
             t.title, t.source, t.id::text, NULL::float8
      FROM tasks t WHERE t.tenant_id = ${tenantId} AND t.account_id = ${accountId}
      UNION ALL
      SELECT 'task-done:' || t.id, 'task', 'done', t.completed_at, ${actor(sql`t.completed_by`)},
             t.title, t.completion_note, t.id::text, NULL::float8
      FROM tasks t WHERE t.tenant_id = ${tenantId} AND t.account_id = ${accountId} AND t.status = 'done' AND t.completed_at IS NOT NULL`,
    renewal: sql`
      SELECT 'renewal:' || r.id, 'renewal', r.outcome, r.recorded_at, ${actor(sql`r.recorded_by`)},
             r.renewal_date::text, r.reason, r.id::text, r.amount
      FROM renewal_outcomes r WHERE r.tenant_id = ${tenantId} AND r.account_id = ${accountId}`,
    sentiment: sql`
      SELECT 'sentiment:' || se.id, 'sentiment', se.period, se.set_at, ${actor(sql`se.set_by`)},
             se.comment, se.previous_value::text, se.id::text, se.value::float8
      FROM sentiment_entries se WHERE se.tenant_id = ${tenantId} AND se.account_id = ${accountId}`,
  };
}

const newestFirst: KeyPart<TimelineRow>[] = [
  { column: sql.ref('t.occurred_at'), value: (r) => r.occurred_at.toISOString(), direction: 'desc' },
  { column: sql.ref('t.key'), value: (r) => r.key, direction: 'desc' },
];

/**
 * One account's timeline, newest first: a UNION ALL of the chosen kinds, keyset-paginated on
 * (occurred_at, key). The key ('note:<id>', 'task-done:<id>', …) is unique across kinds, so
 * events at the same instant keep one order and none is skipped or repeated at a page boundary.
 */
export function timelinePage(db: Q, tenantId: string, accountId: string, kinds: readonly TimelineKind[], page: PageRequest): Promise<Page<TimelineRow>> {
  const all = branches(tenantId, accountId);
  const union = sql.join(
    kinds.map((k) => sql`(${all[k]})`),
    sql` UNION ALL `,
  );
  const q = db
    .selectFrom(sql<TimelineRow>`(${union})`.as('t'))
    .select(['t.key', 't.kind', 't.event', 't.occurred_at', 't.actor', 't.title', 't.detail', 't.source_id', 't.value']);
  return paginate(q, newestFirst, page);
}
