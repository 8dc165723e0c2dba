import type { Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

// The whole product's schema. Every tenant-owned table carries tenant_id, its primary
// key is (tenant_id, id) or unique on it, and every foreign key between tenant tables
// includes tenant_id so a row can never point at another tenant's row.

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE tenants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE users (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (email = lower(email)),
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'member')),
      active boolean NOT NULL DEFAULT true,
      password_hash text NOT NULL,
      last_login_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (id)
    );
    CREATE UNIQUE INDEX users_email_key ON users (email);
    CREATE INDEX users_tenant_name_idx ON users (tenant_id, name, id);

    CREATE TABLE sessions (
      sid text PRIMARY KEY,
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      data jsonb NOT NULL,
      remember_me boolean NOT NULL,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX sessions_tenant_user_idx ON sessions (tenant_id, user_id);
    CREATE INDEX sessions_expires_idx ON sessions (expires_at);

    CREATE TABLE login_throttle (
      key text PRIMARY KEY,
      failures integer NOT NULL,
      window_started_at timestamptz NOT NULL,
      blocked_until timestamptz
    );

    CREATE TABLE tenant_settings (
      tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
      category_weights jsonb NOT NULL,
      tier_healthy double precision NOT NULL,
      tier_at_risk double precision NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (tier_at_risk >= 0 AND tier_at_risk <= tier_healthy AND tier_healthy <= 100)
    );

    CREATE TABLE accounts (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      name_key text NOT NULL,
      external_id text,
      industry text,
      region text,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('prospect', 'onboarding', 'active', 'at_risk', 'paused', 'churned')),
      tier text,
      revenue double precision,
      csm_owner text,
      renewal_date date,
      lifecycle_stage text,
      champions text,
      archived_at timestamptz,
      health_overall double precision,
      health_tier text NOT NULL DEFAULT 'unknown',
      health_period text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, name_key)
    );
    CREATE INDEX accounts_tenant_name_idx ON accounts (tenant_id, name_key, id);
    CREATE INDEX accounts_tenant_health_idx ON accounts (tenant_id, (coalesce(health_overall, -1)), id);
    CREATE INDEX accounts_tenant_updated_idx ON accounts (tenant_id, updated_at, id);

    CREATE TABLE products (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      name_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, account_id, name_key),
      FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
    );

    CREATE TABLE kpi_uploads (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      uploaded_by uuid NOT NULL,
      filename text NOT NULL,
      format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
      content_type text NOT NULL,
      size_bytes integer NOT NULL,
      sha256 text NOT NULL,
      content bytea NOT NULL,
      period text,
      account_name text,
      status text NOT NULL CHECK (status IN ('accepted', 'rejected')),
      report jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, uploaded_by) REFERENCES users (tenant_id, id)
    );
    CREATE INDEX kpi_uploads_tenant_created_idx ON kpi_uploads (tenant_id, created_at, id);

    CREATE TABLE kpi_upload_versions (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      upload_id uuid NOT NULL,
      account_id uuid NOT NULL,
      period text NOT NULL,
      version integer NOT NULL,
      reading_count integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, account_id, period, version),
      FOREIGN KEY (tenant_id, upload_id) REFERENCES kpi_uploads (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX kpi_upload_versions_upload_idx ON kpi_upload_versions (tenant_id, upload_id);

    CREATE TABLE kpi_readings (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      product_id uuid,
      upload_id uuid NOT NULL,
      period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      category text NOT NULL,
      kpi_name text NOT NULL,
      kpi_key text NOT NULL,
      raw text NOT NULL,
      value double precision,
      unit text,
      status text NOT NULL CHECK (status IN ('healthy', 'risk', 'critical', 'unknown')),
      score double precision,
      impact text NOT NULL CHECK (impact IN ('High', 'Medium', 'Low')),
      weight double precision,
      source text,
      frequency text,
      warning text,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, upload_id) REFERENCES kpi_uploads (tenant_id, id)
    );
    CREATE INDEX kpi_readings_account_period_idx ON kpi_readings (tenant_id, account_id, period, id);
    CREATE INDEX kpi_readings_period_idx ON kpi_readings (tenant_id, period, id);
    CREATE INDEX kpi_readings_kpi_idx ON kpi_readings (tenant_id, account_id, kpi_key, period);

    CREATE TABLE account_health (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      product_id uuid,
      period text NOT NULL,
      overall double precision,
      tier text NOT NULL CHECK (tier IN ('healthy', 'at_risk', 'critical', 'unknown')),
      coverage double precision,
      scored_count integer NOT NULL,
      reading_count integer NOT NULL,
      categories jsonb NOT NULL,
      computed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX account_health_account_period_key ON account_health (tenant_id, account_id, period) WHERE product_id IS NULL;
    CREATE UNIQUE INDEX account_health_product_period_key ON account_health (tenant_id, product_id, period) WHERE product_id IS NOT NULL;
    CREATE INDEX account_health_period_idx ON account_health (tenant_id, period, account_id) WHERE product_id IS NULL;

    CREATE TABLE reference_ranges (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      kpi_key text NOT NULL,
      kpi_name text NOT NULL,
      category text NOT NULL,
      unit text NOT NULL,
      higher_is_better boolean NOT NULL,
      scale_min double precision NOT NULL,
      risk_threshold double precision NOT NULL,
      healthy_threshold double precision NOT NULL,
      scale_max double precision NOT NULL,
      updated_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, kpi_key)
    );

    CREATE TABLE playbook_triggers (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      playbook_key text NOT NULL,
      kind text NOT NULL,
      params jsonb NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      last_fired_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX playbook_triggers_playbook_idx ON playbook_triggers (tenant_id, playbook_key, id);

    CREATE TABLE playbook_recommendations (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      trigger_id uuid NOT NULL,
      playbook_key text NOT NULL,
      account_id uuid NOT NULL,
      urgency double precision NOT NULL,
      reasons jsonb NOT NULL,
      fired_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, trigger_id) REFERENCES playbook_triggers (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX playbook_recommendations_rank_idx ON playbook_recommendations (tenant_id, playbook_key, urgency DESC, id);

    CREATE TABLE playbook_executions (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      playbook_key text NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'paused', 'completed', 'cancelled')),
      recommendation_id uuid,
      started_by uuid NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      health_at_start double precision,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, started_by) REFERENCES users (tenant_id, id),
      FOREIGN KEY (tenant_id, recommendation_id) REFERENCES playbook_recommendations (tenant_id, id) ON DELETE SET NULL (recommendation_id)
    );
    CREATE UNIQUE INDEX playbook_executions_running_key ON playbook_executions (tenant_id, account_id, playbook_key) WHERE status IN ('active', 'paused');
    CREATE INDEX playbook_executions_started_idx ON playbook_executions (tenant_id, started_at, id);

    CREATE TABLE playbook_execution_steps (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      execution_id uuid NOT NULL,
      position integer NOT NULL,
      title text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'done', 'skipped')),
      note text,
      outcome text,
      completed_by uuid,
      completed_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, execution_id, position),
      FOREIGN KEY (tenant_id, execution_id) REFERENCES playbook_executions (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, completed_by) REFERENCES users (tenant_id, id)
    );

    CREATE TABLE activity_log (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      user_id uuid,
      action text NOT NULL,
      resource_type text NOT NULL,
      resource_id text,
      before jsonb,
      after jsonb,
      ip text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX activity_log_created_idx ON activity_log (tenant_id, created_at, id);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    DROP TABLE activity_log, playbook_execution_steps, playbook_executions, playbook_recommendations,
      playbook_triggers, reference_ranges, account_health, kpi_readings, kpi_upload_versions, kpi_uploads,
      products, accounts, tenant_settings, login_throttle, sessions, users, tenants;
  `);
}
