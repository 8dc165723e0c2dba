import type pg from 'pg';
import { BENCH_PASSWORD } from '../dataset.js';
import { fmtInt, fmtMs, fmtPct, type BenchContext } from '../context.js';
import { CLIENT_HEADERS, load, login, mergeLoads, trpcQueryPath, withoutLatencies, type LoadResult } from '../http.js';
import { sleep } from '../stats.js';

/** The session id inside a signed express-session cookie ("pulse.sid=s%3A<sid>.<signature>"). */
export function sidOf(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  if (!value.startsWith('s:')) throw new Error('unsigned session cookie');
  return value.slice(2, value.lastIndexOf('.'));
}

async function versions(client: pg.Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ sid: string; v: string }>(`SELECT sid, xmin::text AS v FROM sessions`);
  return new Map(rows.map((r) => [r.sid, r.v]));
}

/** Session rows inserted, updated or deleted between two snapshots (a row's xmin changes when it is rewritten). */
function writesBetween(before: Map<string, string>, after: Map<string, string>): number {
  let n = 0;
  for (const [sid, v] of after) if (before.get(sid) !== v) n++;
  for (const sid of before.keys()) if (!after.has(sid)) n++;
  return n;
}

export async function sessionSuite(ctx: BenchContext): Promise<void> {
  const { results, prepared, largest, options, app } = ctx;
  const email = largest.memberEmails[0] ?? largest.adminEmail;
  const cookie = await login(app.url, email, BENCH_PASSWORD);
  const sid = sidOf(cookie);
  // Make the session's last activity 2 minutes old: the first request of the run is due to record activity, then none for a minute.
  await prepared.pg.query(`UPDATE sessions SET last_seen_at = now() - interval '2 minutes' WHERE sid = $1`, [sid]);

  const authed = { url: `${app.url}${trpcQueryPath('auth.me')}`, headers: { ...CLIENT_HEADERS, cookie } };
  const anon = { url: `${app.url}${trpcQueryPath('session.status')}`, headers: { ...CLIENT_HEADERS } };
  const common = { connections: options.connections, seconds: options.loadSeconds };

  await load({ ...anon, ...common, seconds: Math.min(1, common.seconds) });
  const before = await versions(prepared.pg);
  const authRuns: LoadResult[] = [];
  const anonRuns: LoadResult[] = [];
  // Alternate the two in slices, so background load affects both alike.
  const slices = 4;
  for (let i = 0; i < slices; i++) {
    authRuns.push(await load({ ...authed, ...common, seconds: common.seconds / slices }));
    anonRuns.push(await load({ ...anon, ...common, seconds: common.seconds / slices }));
  }
  await sleep(300);
  const after = await versions(prepared.pg);
  const writes = writesBetween(before, after);
  const auth = mergeLoads(authRuns);
  const unauth = mergeLoads(anonRuns);
  const authRequests = auth.requests;
  const authRps = auth.rps;
  const anonRps = unauth.rps;
  if (auth.non2xx || auth.errors || unauth.non2xx || unauth.errors) throw new Error('session benchmark: non-2xx responses');

  await app.resetStatements();
  for (let i = 0; i < 10; i++) await (await fetch(authed.url, { headers: authed.headers })).arrayBuffer();
  const authStatements = (await app.statements()) / 10;
  await app.resetStatements();
  for (let i = 0; i < 10; i++) await (await fetch(anon.url, { headers: anon.headers })).arrayBuffer();
  const anonStatements = (await app.statements()) / 10;

  const share = authRps / anonRps;
  results.add('4 session cost', `auth.me (signed in): req/s, p50`, `${fmtInt(authRps)} req/s, ${fmtMs(auth.p50)}; ${authStatements.toFixed(1)} SQL/req`);
  results.add(
    '4 session cost',
    `session.status (no cookie): req/s, p50`,
    `${fmtInt(anonRps)} req/s, ${fmtMs(unauth.p50)}; ${anonStatements.toFixed(1)} SQL/req`,
  );
  results.add('4 session cost', 'signed-in ÷ signed-out no-op', fmtPct(share), '≥ 80%', share >= 0.8);
  results.add(
    '4 session cost',
    `session row writes during ${fmtInt(authRequests)} signed-in requests (activity due at start)`,
    String(writes),
    '≤ 1 (once a minute)',
    writes <= 1,
  );
  results.detail('session', {
    authRps,
    anonRps,
    share,
    auth: withoutLatencies(auth),
    anon: withoutLatencies(unauth),
    sessionWrites: writes,
    authRequests,
    authStatements,
    anonStatements,
  });
}
