/**
 * A server under test, in its own process (so the load generator does not share its event
 * loop). BENCH_KIND picks the rung:
 *   raw      node:http + pg pool, one query
 *   same     node:http + pg pool sending the statements Pulse sends for accounts.byId (session
 *            context, BEGIN + tenant settings, the row, COMMIT) after an HMAC check of the cookie
 *   express  Express 5 + pg pool, one query
 *   session  Express 5 + express-session on Pulse's session store + pg pool, one query
 *   full     the real Pulse app (createApp from apps/server), tRPC and all
 *   jobs     a Pulse instance's job queue workers (recompute jobs of bench 8), no HTTP
 * It reports its port over IPC and answers {type:'stats'} / {type:'reset'} with the number
 * of SQL statements its pg clients sent (BEGIN and COMMIT included).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import pg from 'pg';
import { connect } from '@pulse/db';
import { defaultSessionPolicy, queueWorkers, startQueue } from '@pulse/api';
import { createApp, KyselySessionStore, loadConfig, REQUEST_TIMEOUT_MS } from '@pulse/server';
import { countStatements } from './database.js';

export const SESSION_SECRET = 'pulse-bench-session-secret-at-least-32-bytes';
export const POOL_SIZE = 10;

/** The one-row query of the ladder: the statement accounts.byId sends (findAccount), written out. */
export const ACCOUNT_BY_ID_SQL = `SELECT id, name, name_key, external_id, industry, region, status, tier, revenue, csm_owner,
  renewal_date, lifecycle_stage, champions, archived_at, health_overall, health_tier, health_period, created_at, updated_at,
  owner_user_id, (SELECT users.name FROM users WHERE users.tenant_id = accounts.tenant_id AND users.id = accounts.owner_user_id) AS owner_name
  FROM accounts WHERE tenant_id = $1 AND id = $2`;

const counter = countStatements();
const kind = process.env.BENCH_KIND ?? 'full';
const url = process.env.BENCH_DB_URL as string;

/** What withTenant sends as a transaction's first statement, with its BEGIN (see connection.ts). */
function beginWithTenant(tenantId: string): string {
  return `begin; SELECT set_config('app.tenant_id', '${tenantId}', true), set_config('role', 'pulse_app', true)`;
}

/** The session id of an express-session cookie (`s:<sid>.<HMAC-SHA256 base64>`), or null when its signature is wrong. */
function signedSid(cookieHeader: string | undefined): string | null {
  const value = /(?:^|;\s*)pulse\.sid=([^;]+)/.exec(cookieHeader ?? '')?.[1];
  if (!value) return null;
  const signed = decodeURIComponent(value);
  const dot = signed.lastIndexOf('.');
  if (!signed.startsWith('s:') || dot < 0) return null;
  const sid = signed.slice(2, dot);
  const expected = Buffer.from(createHmac('sha256', SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, ''));
  const given = Buffer.from(signed.slice(dot + 1));
  return expected.length === given.length && timingSafeEqual(expected, given) ? sid : null;
}

/** The "same statements" rung: Pulse's four round trips for accounts.byId, nothing else. */
async function sameStatements(pool: pg.Pool, req: http.IncomingMessage): Promise<{ status: number; body: string }> {
  const sid = signedSid(req.headers.cookie);
  if (!sid) return { status: 401, body: '{"error":"Please sign in."}' };
  const session = (
    await pool.query<{ tenant_id: string }>(
      `SELECT sid, tenant_id, user_id, data, remember_me, created_at, last_seen_at, expires_at,
      email, name, role, active, last_login_at, user_created_at, tenant_name FROM pulse_session_context($1)`,
      [sid],
    )
  ).rows[0];
  if (!session) return { status: 401, body: '{"error":"Please sign in."}' };
  const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
  const client = await pool.connect();
  try {
    await client.query(beginWithTenant(session.tenant_id));
    const row = (await client.query<Record<string, unknown>>(ACCOUNT_BY_ID_SQL, [session.tenant_id, id])).rows[0];
    await client.query('commit');
    return { status: 200, body: JSON.stringify(row ?? null) };
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

function queryArgs(search: URLSearchParams): [string, string] {
  return [search.get('tenant') ?? '', search.get('id') ?? ''];
}

async function start(): Promise<http.Server> {
  if (kind === 'jobs') {
    // A Pulse instance's job queue workers (PULSE_JOBS) without its schedules, in a process of
    // their own, so their polling never counts in the app server's statements.
    const handle = await connect({ url, poolSize: POOL_SIZE });
    await startQueue({ db: handle.db, jobs: [], workers: queueWorkers(null), pollingIntervalSeconds: 0.5 });
    return http.createServer((_req, res) => res.writeHead(404).end());
  }
  if (kind === 'raw') {
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
    return http.createServer((req, res) => {
      const search = new URL(req.url ?? '/', 'http://x').searchParams;
      pool.query(ACCOUNT_BY_ID_SQL, queryArgs(search)).then(
        (r) => {
          const body = JSON.stringify(r.rows[0] ?? null);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  }
  if (kind === 'same') {
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
    return http.createServer((req, res) => {
      sameStatements(pool, req).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  }
  if (kind === 'express' || kind === 'session') {
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
    const app = express();
    app.disable('x-powered-by');
    if (kind === 'session') {
      const handle = await connect({ url, poolSize: POOL_SIZE });
      app.use(
        session({
          name: 'pulse.sid',
          secret: [SESSION_SECRET],
          store: new KyselySessionStore(handle.db, defaultSessionPolicy),
          resave: false,
          saveUninitialized: false,
          rolling: false,
          unset: 'destroy',
          cookie: { httpOnly: true, sameSite: 'strict', secure: false, path: '/' },
        }),
      );
    }
    app.get('/account', async (req, res) => {
      if (kind === 'session' && !(req.session as { userId?: string }).userId) return void res.status(401).json({ error: 'Please sign in.' });
      const r = await pool.query(ACCOUNT_BY_ID_SQL, queryArgs(new URLSearchParams(req.query as Record<string, string>)));
      res.json(r.rows[0] ?? null);
    });
    return http.createServer(app);
  }
  const handle = await connect({ url, poolSize: POOL_SIZE });
  const config = loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET,
    BCRYPT_COST: process.env.BENCH_BCRYPT_COST ?? '12',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    PULSE_DEMO_DATA: 'false',
    // Production's default: one JSON line per request (the parent sends this process's stdout to /dev/null).
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  });
  return http.createServer(createApp({ db: handle.db, config, listen: handle.listen }));
}

const server = await start();
server.keepAliveTimeout = 60_000;
server.requestTimeout = REQUEST_TIMEOUT_MS;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', statements: counter.read() });
  if (message.type === 'reset') {
    counter.reset();
    process.send?.({ type: 'reset' });
  }
  if (message.type === 'stop') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
