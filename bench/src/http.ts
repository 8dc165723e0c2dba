import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { percentile } from './stats.js';
import { CLIENT_HEADER } from '@pulse/api/limits';

const here = path.dirname(fileURLToPath(import.meta.url));

export type ServerKind = 'raw' | 'same' | 'express' | 'session' | 'full' | 'jobs';

export interface ServerProcess {
  kind: ServerKind;
  url: string;
  /** Process id of the child, for reading its memory from /proc. */
  pid: number;
  statements(): Promise<number>;
  resetStatements(): Promise<void>;
  stop(): Promise<void>;
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string } & T) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send({ type });
  });
}

/** Starts one server rung in a child process (node --import tsx) and waits for its port. */
export async function startServer(kind: ServerKind, dbUrl: string, bcryptCost: number): Promise<ServerProcess> {
  const child = fork(path.join(here, 'server-worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_KIND: kind, BENCH_DB_URL: dbUrl, BENCH_BCRYPT_COST: String(bcryptCost), NODE_ENV: 'test' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with code ${code}`)));
    child.on('message', (m: { type: string; port?: number }) => {
      if (m.type === 'ready') resolve(m.port as number);
    });
  });
  child.removeAllListeners('exit');
  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    statements: async () => (await ask<{ statements: number }>(child, 'stats')).statements,
    resetStatements: async () => {
      await ask(child, 'reset');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

export const CLIENT_HEADERS = { [CLIENT_HEADER.name]: CLIENT_HEADER.value };

export function trpcQueryPath(procedure: string, input?: unknown): string {
  return `/api/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;
}

/** Signs in through auth.login and returns the session cookie ("pulse.sid=…"). */
export async function login(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CLIENT_HEADERS },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] as string)
    .find((c) => c.startsWith('pulse.sid=') || c.startsWith('__Host-pulse.sid='));
  if (!cookie) throw new Error('login returned no session cookie');
  await res.arrayBuffer();
  return cookie;
}

export async function getJson<T = unknown>(baseUrl: string, pathAndQuery: string, cookie?: string): Promise<T> {
  const res = await fetch(`${baseUrl}${pathAndQuery}`, { headers: { ...CLIENT_HEADERS, ...(cookie ? { cookie } : {}) } });
  const body = (await res.json()) as T;
  if (res.status !== 200) throw new Error(`GET ${pathAndQuery.slice(0, 80)} → ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/**
 * A tRPC mutation (POST, JSON body); returns its `result.data`. Sent with node:http rather
 * than fetch, whose 300-second header timeout a whole-tenant recompute on a loaded machine
 * can exceed.
 */
export function postJson<T = unknown>(baseUrl: string, procedure: string, input: unknown, cookie: string): Promise<T> {
  const body = JSON.stringify(input);
  return new Promise<T>((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/api/trpc/${procedure}`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...CLIENT_HEADERS, cookie } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const parsed = JSON.parse(text) as { result?: { data: T } };
          if (res.statusCode !== 200 || !parsed.result) reject(new Error(`POST ${procedure} → ${res.statusCode}: ${text.slice(0, 300)}`));
          else resolve(parsed.result.data);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface LoadResult {
  /** Completed 2xx responses per second. */
  rps: number;
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  seconds: number;
  /** The rate asked for (open-loop phase) or null (closed loop, as fast as it goes). */
  targetRate: number | null;
  latencies?: number[];
}

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
  connections: number;
  seconds: number;
  /** Fixed total request rate (autocannon overallRate); omit for the closed-loop ceiling. */
  rate?: number;
}

/**
 * One autocannon phase. Latencies come from autocannon's per-response timings (hrtime,
 * fractional milliseconds) rather than its whole-millisecond histogram.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  // Without a callback autocannon returns its tracker, which is both an event emitter and a promise.
  const running = autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body !== undefined ? { body: options.body } : {}),
    connections: options.rate ? Math.min(options.connections, Math.max(1, Math.floor(options.rate))) : options.connections,
    duration: options.seconds,
    // autocannon stops at its next sample tick: tick every 100 ms so a phase lasts what was asked (the rate uses the measured duration anyway).
    sampleInt: 100,
    ...(options.rate ? { overallRate: Math.max(1, Math.round(options.rate)) } : {}),
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  const instance: autocannon.Instance = running;
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await running;
  const seconds = result.duration;
  return summariseLoad(latencies, seconds, result.errors + result.timeouts, result.non2xx, options.rate ?? null);
}

/** Percentiles and rate of one or more load slices (their latencies pooled). */
export function summariseLoad(latencies: number[], seconds: number, errors: number, non2xx: number, targetRate: number | null): LoadResult {
  return {
    rps: latencies.length / seconds,
    requests: latencies.length,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    errors,
    non2xx,
    seconds,
    targetRate,
    latencies,
  };
}

/** Several slices of the same load, pooled (used to interleave alternatives so background noise hits them alike). */
export function mergeLoads(parts: LoadResult[]): LoadResult {
  const latencies = parts.flatMap((p) => p.latencies ?? []);
  const sum = (f: (p: LoadResult) => number) => parts.reduce((s, p) => s + f(p), 0);
  return summariseLoad(
    latencies,
    sum((p) => p.seconds),
    sum((p) => p.errors),
    sum((p) => p.non2xx),
    parts[0]?.targetRate ?? null,
  );
}

/** Drops the raw latencies (kept only while slices are merged) before results are stored. */
export function withoutLatencies(r: LoadResult): Omit<LoadResult, 'latencies'> {
  const { latencies: _latencies, ...rest } = r;
  return rest;
}
