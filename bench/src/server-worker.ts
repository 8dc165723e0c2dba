/**
 * A server under test, in its own process (so the load generator does not share its event
 * loop). BENCH_KIND picks the rung:
 *   raw      node:http + pg pool, one query
 *   express  Express 5 + pg pool, one query
 *   session  Express 5 + express-session on Pulse's session store + pg pool, one query
 *   full     the real Pulse app (createApp from apps/server), tRPC and all
 * It reports its port over IPC and answers {type:'stats'} / {type:'reset'} with the number
 * of SQL statements its pg clients sent (BEGIN and COMMIT included).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import pg from 'pg';
import { connect } from '@pulse/db';
import { defaultSessionPolicy } from '@pulse/api';
import { createApp, KyselySessionStore, loadConfig } from '@pulse/server';
import { countStatements } from './database.js';

export const SESSION_SECRET = 'pulse-bench-session-secret-at-least-32-bytes';
export const POOL_SIZE = 10;

/** The one-row query of the ladder: what accounts.byId runs (getAccount), written out. */
export const ACCOUNT_BY_ID_SQL = `SELECT id, name, name_key, external_id, industry, region, status, tier, revenue, csm_owner,
  renewal_date, lifecycle_stage, champions, archived_at, health_overall, health_tier, health_period, created_at, updated_at
  FROM accounts WHERE tenant_id = $1 AND id = $2`;

const counter = countStatements();
const kind = process.env.BENCH_KIND ?? 'full';
const url = process.env.BENCH_DB_URL as string;

function queryArgs(search: URLSearchParams): [string, string] {
  return [search.get('tenant') ?? '', search.get('id') ?? ''];
}

async function start(): Promise<http.Server> {
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
  return http.createServer(createApp({ db: handle.db, config }));
}

const server = await start();
server.keepAliveTimeout = 60_000;
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
