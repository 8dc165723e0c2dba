import { fmtInt, fmtMs, fmtPct, fmtX, type BenchContext } from '../context.js';
import {
  CLIENT_HEADERS,
  load,
  mergeLoads,
  startServer,
  trpcQueryPath,
  withoutLatencies,
  type LoadResult,
  type ServerKind,
  type ServerProcess,
} from '../http.js';
import { sleep } from '../stats.js';

/**
 * The rungs. The last is the target's "full stack"; the second sends exactly the statements
 * the full stack sends (the target's reference); the one before the last is the same app on
 * a signed-in call that opens no tenant transaction (session.status with the cookie), which
 * separates the app's per-request overhead from the tenant transaction's statements.
 */
const RUNGS: { kind: ServerKind; label: string; procedure?: string }[] = [
  { kind: 'raw', label: 'node:http + pg' },
  { kind: 'same', label: "node:http + pg, Pulse's statements + HMAC cookie check" },
  { kind: 'express', label: 'Express + pg' },
  { kind: 'session', label: 'Express + session store + pg' },
  { kind: 'full', label: 'full app, session.status signed in (no tenant tx)', procedure: 'session.status' },
  { kind: 'full', label: 'full stack (tRPC accounts.byId)', procedure: 'accounts.byId' },
];

/** Each phase is cut into this many slices, taken in turn across the rungs, so background load hits every rung alike. */
const SLICES = 4;
const FIXED_FRACTION = 0.6;

export interface Rung {
  kind: ServerKind;
  label: string;
  ceiling: LoadResult;
  fixed: LoadResult;
  statementsPerRequest: number;
}

/** One authenticated one-row read, up the stack: the same account by id at every rung. */
export async function ladderSuite(ctx: BenchContext): Promise<void> {
  const { results, prepared, largest, options } = ctx;
  const account = (await prepared.pg.query<{ id: string }>(`SELECT id FROM accounts WHERE tenant_id = $1 ORDER BY name_key LIMIT 1 OFFSET 17`, [largest.id]))
    .rows[0]?.id as string;
  const servers: ServerProcess[] = [];
  try {
    for (const rung of RUNGS) servers.push(rung.kind === 'full' ? ctx.app : await startServer(rung.kind, ctx.target.url, options.bcryptCost));
    const targets = RUNGS.map((rung, i) => {
      const server = servers[i] as ServerProcess;
      const url =
        rung.procedure === 'accounts.byId'
          ? `${server.url}${trpcQueryPath('accounts.byId', { id: account })}`
          : rung.procedure
            ? `${server.url}${trpcQueryPath(rung.procedure)}`
            : `${server.url}/account?tenant=${largest.id}&id=${account}`;
      const headers: Record<string, string> = rung.kind === 'raw' || rung.kind === 'express' ? {} : { ...CLIENT_HEADERS, cookie: ctx.cookie };
      return { ...rung, server, url, headers };
    });
    const slice = options.loadSeconds / SLICES;
    const common = { connections: options.connections };

    for (const t of targets) await load({ url: t.url, headers: t.headers, ...common, seconds: Math.min(1, options.loadSeconds) });
    const ceilingParts = targets.map(() => [] as LoadResult[]);
    for (let s = 0; s < SLICES; s++) {
      for (const [i, t] of targets.entries()) ceilingParts[i]?.push(await load({ url: t.url, headers: t.headers, ...common, seconds: slice }));
    }
    const ceilings = ceilingParts.map(mergeLoads);
    const fixedParts = targets.map(() => [] as LoadResult[]);
    for (let s = 0; s < SLICES; s++) {
      for (const [i, t] of targets.entries()) {
        const rate = (ceilings[i] as LoadResult).rps * FIXED_FRACTION;
        fixedParts[i]?.push(await load({ url: t.url, headers: t.headers, ...common, seconds: slice, rate }));
      }
    }
    const fixed = fixedParts.map(mergeLoads);

    const rungs: Rung[] = [];
    for (const [i, t] of targets.entries()) {
      const ceiling = ceilings[i] as LoadResult;
      if (ceiling.non2xx || ceiling.errors) throw new Error(`${t.kind}: ${ceiling.non2xx} non-2xx and ${ceiling.errors} errors`);
      await sleep(300); // let requests still in flight from the load phases finish before counting
      await t.server.resetStatements();
      const probes = 20;
      for (let n = 0; n < probes; n++) await (await fetch(t.url, { headers: t.headers })).arrayBuffer();
      const statementsPerRequest = (await t.server.statements()) / probes;
      rungs.push({ kind: t.kind, label: t.label, ceiling, fixed: fixed[i] as LoadResult, statementsPerRequest });
      if (t.procedure === 'session.status' && !(await (await fetch(t.url, { headers: t.headers })).text()).includes('"signedIn":true')) {
        throw new Error('session.status rung is not signed in');
      }
      ctx.log(
        `  ${t.label}: ${fmtInt(ceiling.rps)} req/s; at ${fmtPct(FIXED_FRACTION)}: p50 ${fmtMs(fixed[i]?.p50 ?? NaN)}, p99 ${fmtMs(fixed[i]?.p99 ?? NaN)}`,
      );
    }

    const raw = rungs[0] as Rung;
    for (const r of rungs) {
      results.add(
        '3 request ladder',
        `${r.label}: ceiling; p50 / p99 at 60% (${fmtInt(r.fixed.rps)} req/s)`,
        `${fmtInt(r.ceiling.rps)} req/s (${fmtPct(r.ceiling.rps / raw.ceiling.rps)} of raw); ${fmtMs(r.fixed.p50)} / ${fmtMs(r.fixed.p99)}; ${r.statementsPerRequest.toFixed(1)} SQL/req`,
      );
    }
    const same = rungs[1] as Rung;
    const full = rungs[rungs.length - 1] as Rung;
    results.add('3 request ladder', 'full stack ÷ raw one statement (req/s; the retired target)', fmtPct(full.ceiling.rps / raw.ceiling.rps));
    const share = full.ceiling.rps / same.ceiling.rps;
    results.add('3 request ladder', 'full stack ÷ node:http + pg sending the same statements (req/s)', fmtPct(share), '≥ 50%', share >= 0.5);
    const spread = full.fixed.p99 / full.fixed.p50;
    results.add('3 request ladder', 'full stack p99 ÷ p50 at 60% of ceiling', fmtX(spread), '≤ 4×', spread <= 4);
    results.detail('ladder', {
      account,
      connections: options.connections,
      seconds: options.loadSeconds,
      slices: SLICES,
      rungs: rungs.map((r) => ({ ...r, ceiling: withoutLatencies(r.ceiling), fixed: withoutLatencies(r.fixed) })),
    });
  } finally {
    for (const s of servers) if (s !== ctx.app) await s.stop();
  }
}
