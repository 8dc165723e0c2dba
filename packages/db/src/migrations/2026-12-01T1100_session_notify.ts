import { sql, type Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

// Every app instance may keep the sessions it resolved in memory (apps/server session
// cache). These triggers tell every instance, through NOTIFY on the channel pulse_sessions,
// when a session, a user or a tenant changes or goes away, whoever made the change (the
// app, the CLI, an operator's SQL): `sid:<sid>` for a session, `user:<id>` and `tenant:<id>`
// for the rows a session resolves to. NOTIFY is sent when the transaction commits.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION pulse_notify_session_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      -- One branch per table: PL/pgSQL resolves every OLD field an expression names.
      IF TG_TABLE_NAME = 'sessions' THEN
        PERFORM pg_notify('pulse_sessions', 'sid:' || OLD.sid);
      ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('pulse_sessions', 'user:' || OLD.id);
      ELSE
        PERFORM pg_notify('pulse_sessions', 'tenant:' || OLD.id);
      END IF;
      RETURN NULL;
    END
    $$
  `.execute(db);
  await runScript(
    db,
    `
    CREATE TRIGGER sessions_notify AFTER UPDATE OR DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION pulse_notify_session_change();
    CREATE TRIGGER users_notify AFTER UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION pulse_notify_session_change();
    CREATE TRIGGER tenants_notify AFTER UPDATE OR DELETE ON tenants FOR EACH ROW EXECUTE FUNCTION pulse_notify_session_change();
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    DROP TRIGGER tenants_notify ON tenants;
    DROP TRIGGER users_notify ON users;
    DROP TRIGGER sessions_notify ON sessions;
    DROP FUNCTION pulse_notify_session_change();
  `,
  );
}
