import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../src/connection.js';
import { createTestDatabase } from '../src/testing.js';
import type { Database } from '../src/schema.js';

/** Columns per table as declared in src/schema.ts; a drift either way fails the test. */
const declared: { [T in keyof Database]: (keyof Database[T])[] } = {
  tenants: ['id', 'name', 'created_at'],
  users: ['tenant_id', 'id', 'email', 'name', 'role', 'active', 'password_hash', 'last_login_at', 'created_at', 'updated_at'],
  sessions: ['sid', 'tenant_id', 'user_id', 'data', 'remember_me', 'created_at', 'last_seen_at', 'expires_at'],
  login_throttle: ['key', 'failures', 'window_started_at', 'blocked_until'],
  tenant_settings: ['tenant_id', 'category_weights', 'tier_healthy', 'tier_at_risk', 'updated_at'],
  accounts: [
    'tenant_id', 'id', 'name', 'name_key', 'external_id', 'industry', 'region', 'status', 'tier', 'revenue',
    'csm_owner', 'renewal_date', 'lifecycle_stage', 'champions', 'archived_at', 'health_overall', 'health_tier',
    'health_period', 'created_at', 'updated_at', 'health_previous_overall', 'health_previous_period', 'owner_user_id',
  ],
  products: ['tenant_id', 'id', 'account_id', 'name', 'name_key', 'created_at'],
  kpi_uploads: [
    'tenant_id', 'id', 'uploaded_by', 'filename', 'format', 'content_type', 'size_bytes', 'sha256', 'content',
    'period', 'account_name', 'status', 'report', 'created_at',
  ],
  kpi_upload_parts: ['tenant_id', 'upload_id', 'position', 'content'],
  kpi_upload_versions: ['tenant_id', 'id', 'upload_id', 'account_id', 'period', 'version', 'reading_count', 'created_at'],
  kpi_readings: [
    'tenant_id', 'id', 'account_id', 'product_id', 'upload_id', 'period', 'category', 'kpi_name', 'kpi_key', 'raw',
    'value', 'unit', 'status', 'score', 'impact', 'weight', 'source', 'frequency', 'warning', 'displayed', 'sentiment_id',
  ],
  account_health: [
    'tenant_id', 'id', 'account_id', 'product_id', 'period', 'overall', 'tier', 'coverage', 'scored_count',
    'reading_count', 'categories', 'computed_at',
  ],
  reference_ranges: [
    'tenant_id', 'id', 'kpi_key', 'kpi_name', 'category', 'unit', 'higher_is_better', 'scale_min', 'risk_threshold',
    'healthy_threshold', 'scale_max', 'updated_by', 'updated_at',
  ],
  playbook_triggers: ['tenant_id', 'id', 'playbook_key', 'kind', 'params', 'enabled', 'last_fired_at', 'updated_at', 'create_task'],
  playbook_recommendations: [
    'tenant_id', 'id', 'trigger_id', 'playbook_key', 'account_id', 'urgency', 'reasons', 'fired_at',
    'superseded_at',
  ],
  playbook_executions: [
    'tenant_id', 'id', 'account_id', 'playbook_key', 'status', 'recommendation_id', 'started_by', 'started_at',
    'ended_at', 'health_at_start', 'closing_note',
  ],
  playbook_execution_steps: [
    'tenant_id', 'id', 'execution_id', 'position', 'title', 'status', 'note', 'outcome', 'completed_by', 'completed_at',
  ],
  tasks: [
    'tenant_id', 'id', 'account_id', 'title', 'assignee_id', 'due_date', 'priority', 'status', 'source', 'execution_step_id',
    'trigger_id', 'completion_note', 'completed_by', 'completed_at', 'created_by', 'created_at', 'updated_at',
  ],
  renewal_outcomes: [
    'tenant_id', 'id', 'account_id', 'outcome', 'renewal_date', 'amount', 'previous_revenue', 'reason', 'next_renewal_date',
    'recorded_by', 'recorded_at',
  ],
  activity_log: ['tenant_id', 'id', 'user_id', 'action', 'resource_type', 'resource_id', 'before', 'after', 'ip', 'created_at', 'seq', 'api_token_id'],
  api_tokens: [
    'tenant_id', 'id', 'name', 'scope', 'token_hash', 'hint', 'created_by', 'created_at', 'expires_at', 'last_used_at',
    'revoked_at', 'window_started_at', 'window_count',
  ],
  job_runs: ['id', 'job', 'job_id', 'attempt', 'status', 'started_at', 'finished_at', 'duration_ms', 'error'],
  webhooks: ['tenant_id', 'id', 'url', 'events', 'format', 'secret', 'active', 'created_by', 'created_at', 'updated_at'],
  webhook_deliveries: [
    'tenant_id', 'id', 'webhook_id', 'event', 'dedupe_key', 'payload', 'status', 'attempts', 'response_code', 'last_error',
    'created_at', 'last_attempt_at', 'delivered_at',
  ],
  notification_events: ['tenant_id', 'id', 'event', 'summary', 'data', 'created_at', 'account_id', 'dedupe_key'],
  email_preferences: ['tenant_id', 'user_id', 'daily_digest', 'critical_alerts', 'updated_at'],
  notes: ['tenant_id', 'id', 'account_id', 'author_id', 'kind', 'occurred_at', 'participants', 'body', 'search', 'created_at'],
  sentiment_entries: ['tenant_id', 'id', 'account_id', 'period', 'value', 'previous_value', 'comment', 'set_by', 'set_at'],
  saved_views: ['tenant_id', 'id', 'user_id', 'name', 'name_key', 'shared', 'state', 'created_at', 'updated_at'],
  email_messages: ['tenant_id', 'id', 'user_id', 'kind', 'dedupe_key', 'subject', 'body', 'status', 'attempts', 'last_error', 'created_at', 'sent_at'],
  recompute_runs: [
    'tenant_id', 'id', 'status', 'kpi_keys', 'recombine', 'previous_category_keys', 'accounts_total', 'accounts_done', 'last_account_id',
    'accounts_rescored', 'tier_changes', 'attempts', 'error', 'requested_by', 'requested_at', 'started_at', 'finished_at',
  ],
};

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

describe('schema', () => {
  it('has exactly the tables and columns the Kysely types declare', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%'
      ORDER BY table_name, ordinal_position
    `.execute(handle.db);
    const actual: Record<string, string[]> = {};
    for (const r of rows) (actual[r.table_name] ??= []).push(r.column_name);
    const expected = Object.fromEntries(Object.entries(declared).map(([t, cols]) => [t, [...cols].sort()]));
    const actualSorted = Object.fromEntries(Object.entries(actual).map(([t, cols]) => [t, [...cols].sort()]));
    expect(actualSorted).toEqual(expected);
  });

  it('keeps tenant_id in every foreign key between tenant tables', async () => {
    const { rows } = await sql<{ table_name: string; constraint_name: string; columns: string }>`
      SELECT tc.table_name, tc.constraint_name, string_agg(kcu.column_name, ',') AS columns
      FROM information_schema.table_constraints tc
      JOIN information_schema.key_column_usage kcu
        ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
      WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'
      GROUP BY tc.table_name, tc.constraint_name
    `.execute(handle.db);
    const offenders = rows.filter((r) => !r.columns.split(',').includes('tenant_id'));
    expect(rows.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  it('normalises driver types: counts are numbers and dates are strings', async () => {
    const { rows } = await sql<{ n: unknown; d: unknown; ts: unknown; num: unknown }>`
      SELECT count(*) AS n, DATE '2026-03-01' AS d, now() AS ts, 1.5::numeric AS num
    `.execute(handle.db);
    expect(rows[0]).toMatchObject({ n: 1, d: '2026-03-01', num: 1.5 });
    expect(rows[0]?.ts).toBeInstanceOf(Date);
  });
});
