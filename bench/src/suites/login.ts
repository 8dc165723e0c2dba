import os from 'node:os';
import bcrypt from 'bcrypt';
import { BENCH_PASSWORD } from '../dataset.js';
import { HASHING_THREADS } from '@pulse/db';
import { fmtMs, fmtPct, fmtX, type BenchContext } from '../context.js';
import { CLIENT_HEADERS, load, trpcQueryPath, withoutLatencies } from '../http.js';
import { median, now, summarise } from '../stats.js';

/**
 * Concurrent login loops: the server hashes on one nice-19 thread per core, so 4 keep every
 * hashing thread busy on up to 4 cores, and the list traffic shows whether nice 19 gives the
 * cores back to requests.
 */
const LOGIN_CONCURRENCY = 4;

export async function loginSuite(ctx: BenchContext): Promise<void> {
  const { results, prepared, largest, options, app, cookie } = ctx;
  const hash = (await prepared.pg.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE email = $1`, [largest.adminEmail])).rows[0]
    ?.password_hash as string;
  const hashTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = now();
    await bcrypt.compare(BENCH_PASSWORD, hash);
    hashTimes.push(now() - start);
  }
  const hashMs = median(hashTimes);
  const cores = os.cpus().length;
  const ceiling = cores / (hashMs / 1000);

  const list = {
    url: `${app.url}${trpcQueryPath('accounts.list', { limit: 50 })}`,
    headers: { ...CLIENT_HEADERS, cookie },
    connections: options.connections,
    seconds: options.loginSeconds,
    rate: options.loginListRate,
  };
  await load({ ...list, seconds: Math.min(1, options.loginSeconds / 2) });
  const idle = await load(list);

  const emails = largest.memberEmails.length ? largest.memberEmails : [largest.adminEmail];
  let next = 0;
  /** Logins from `concurrency` loops while the list traffic flows at its fixed rate. */
  const phase = async (concurrency: number) => {
    const latencies: number[] = [];
    let failures = 0;
    const deadline = now() + options.loginSeconds * 1000;
    const loop = async () => {
      while (now() < deadline) {
        const email = emails[next++ % emails.length] as string;
        const start = now();
        const res = await fetch(`${app.url}/api/trpc/auth.login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...CLIENT_HEADERS },
          body: JSON.stringify({ email, password: BENCH_PASSWORD }),
        });
        await res.arrayBuffer();
        if (res.status === 200) latencies.push(now() - start);
        else failures++;
      }
    };
    const started = now();
    const [busy] = await Promise.all([load(list), ...Array.from({ length: concurrency }, loop)]);
    const seconds = (now() - started) / 1000;
    if (!busy) throw new Error('no list result');
    return { concurrency, logins: latencies.length / seconds, timing: summarise(latencies), failures, busy: withoutLatencies(busy), seconds };
  };
  const saturated = await phase(LOGIN_CONCURRENCY);
  // One login fewer than the cores (at least one): a core is left to the list whatever the hashes' priority,
  // the comparison for what nice 19 gives under the full flood above.
  const fewer = await phase(Math.max(1, cores - 1));

  results.add(
    '6 login under load',
    `bcrypt cost ${options.bcryptCost}: compare time, ceiling (${cores} cores ÷ time)`,
    `${fmtMs(hashMs)}, ${ceiling.toFixed(1)} logins/s`,
  );
  results.add('6 login under load', `accounts.list at ${options.loginListRate} req/s, idle: p50 / p99`, `${fmtMs(idle.p50)} / ${fmtMs(idle.p99)}`);
  for (const p of [saturated, fewer]) {
    results.add(
      '6 login under load',
      `${p.concurrency} concurrent logins: logins/s; login p50; list p50 / p99`,
      `${p.logins.toFixed(1)}/s = ${fmtPct(p.logins / ceiling)} of ceiling; ${fmtMs(p.timing.p50)}; ${fmtMs(p.busy.p50)} / ${fmtMs(p.busy.p99)} (p99 ${fmtX(p.busy.p99 / idle.p99)} idle)`,
    );
    if (p.failures) results.add('6 login under load', `${p.concurrency} concurrent: failed logins`, String(p.failures));
  }
  const share = saturated.logins / ceiling;
  results.add(
    '6 login under load',
    `${saturated.concurrency} concurrent (server hashes on ${HASHING_THREADS} nice-19 threads): logins/s ÷ ceiling`,
    fmtPct(share),
    '≥ 60%',
    share >= 0.6,
  );
  const spread = saturated.busy.p99 / idle.p99;
  results.add('6 login under load', `${saturated.concurrency} concurrent: list p99 ÷ idle p99`, fmtX(spread), '≤ 3×', spread <= 3);
  results.detail('login', { hashMs, hashTimes, cores, ceiling, idle: withoutLatencies(idle), phases: [saturated, fewer] });
}
