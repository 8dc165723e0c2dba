import type { Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

// The customer-success manager's day: account owners, tasks and renewal outcomes.
// - accounts.owner_user_id is the user who owns the account; csm_owner keeps the imported
//   free text it was matched from (by email or exact name).
// - tasks belong to an account, are assigned to a user and come from a person, a playbook
//   step (one task per step, completed together) or a trigger whose rule creates a task.
// - renewal_outcomes is the history of renewals per account; renewal_date is the date the
//   outcome closed, so a past renewal date without an outcome is overdue.
// New tables get row-level security exactly as 2026-11-29T2000_row_level_security does.

const scoped = ['tasks', 'renewal_outcomes'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE accounts ADD COLUMN owner_user_id uuid;
    ALTER TABLE accounts ADD CONSTRAINT accounts_owner_fkey FOREIGN KEY (tenant_id, owner_user_id) REFERENCES users (tenant_id, id);
    CREATE INDEX accounts_tenant_owner_idx ON accounts (tenant_id, owner_user_id, name_key, id);
    CREATE INDEX accounts_tenant_renewal_idx ON accounts (tenant_id, renewal_date, id) WHERE archived_at IS NULL;
    CREATE INDEX accounts_tenant_revenue_idx ON accounts (tenant_id, (coalesce(revenue, -1)), id);

    ALTER TABLE playbook_triggers ADD COLUMN create_task boolean NOT NULL DEFAULT false;

    CREATE TABLE tasks (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      assignee_id uuid,
      due_date date NOT NULL,
      priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
      source text NOT NULL CHECK (source IN ('manual', 'playbook_step', 'trigger')),
      execution_step_id uuid,
      trigger_id uuid,
      completion_note text,
      completed_by uuid,
      completed_at timestamptz(3),
      created_by uuid,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, execution_step_id),
      CHECK ((source = 'playbook_step') = (execution_step_id IS NOT NULL)),
      FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, assignee_id) REFERENCES users (tenant_id, id),
      FOREIGN KEY (tenant_id, execution_step_id) REFERENCES playbook_execution_steps (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, trigger_id) REFERENCES playbook_triggers (tenant_id, id) ON DELETE SET NULL (trigger_id),
      FOREIGN KEY (tenant_id, completed_by) REFERENCES users (tenant_id, id),
      FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
    );
    CREATE INDEX tasks_assignee_due_idx ON tasks (tenant_id, assignee_id, status, due_date, id);
    CREATE INDEX tasks_account_due_idx ON tasks (tenant_id, account_id, status, due_date, id);
    CREATE INDEX tasks_due_idx ON tasks (tenant_id, status, due_date, id);

    CREATE TABLE renewal_outcomes (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('renewed', 'expanded', 'contracted', 'churned')),
      renewal_date date,
      amount double precision CHECK (amount >= 0),
      previous_revenue double precision,
      reason text,
      next_renewal_date date,
      recorded_by uuid NOT NULL,
      recorded_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      CHECK (outcome <> 'churned' OR reason IS NOT NULL),
      CHECK (outcome NOT IN ('expanded', 'contracted') OR amount IS NOT NULL),
      FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, recorded_by) REFERENCES users (tenant_id, id)
    );
    CREATE INDEX renewal_outcomes_account_idx ON renewal_outcomes (tenant_id, account_id, renewal_date);
    CREATE INDEX renewal_outcomes_history_idx ON renewal_outcomes (tenant_id, account_id, recorded_at, id);
  `);
  for (const table of scoped) {
    await runScript(db, `
      ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
      ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON ${table} TO pulse_app
        USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
      CREATE POLICY owner_maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)
    `);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    DROP TABLE renewal_outcomes;
    DROP TABLE tasks;
    ALTER TABLE playbook_triggers DROP COLUMN create_task;
    DROP INDEX accounts_tenant_revenue_idx;
    DROP INDEX accounts_tenant_renewal_idx;
    DROP INDEX accounts_tenant_owner_idx;
    ALTER TABLE accounts DROP CONSTRAINT accounts_owner_fkey;
    ALTER TABLE accounts DROP COLUMN owner_user_id;
  `);
}
