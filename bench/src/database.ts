import pg from 'pg';

/**
 * The benchmark never touches the database DATABASE_URL names: it uses that server to
 * create its own database (pulse_bench, or pulse_bench_s<scale> for another BENCH_SCALE;
 * a throw-away pulse_bench_smoke_<pid> in smoke mode). BENCH_DATABASE_URL overrides this.
 */
export interface BenchDatabase {
  url: string;
  name: string;
  adminUrl: string;
  /** True when the database is dropped at the end of the run (smoke mode). */
  temporary: boolean;
}

const SAFE_NAME = /^pulse_bench[a-z0-9_]*$/;

export function benchDatabaseFor(env: Record<string, string | undefined>, mode: 'full' | 'smoke', scale: number): BenchDatabase {
  const base = env.DATABASE_URL;
  if (!base) throw new Error('Set DATABASE_URL to a PostgreSQL server (postgres://…); the benchmark creates its own database there.');
  if (env.BENCH_DATABASE_URL) {
    const url = new URL(env.BENCH_DATABASE_URL);
    return { url: url.toString(), name: url.pathname.slice(1), adminUrl: base, temporary: false };
  }
  const name = mode === 'smoke' ? `pulse_bench_smoke_${process.pid}` : scale === 1 ? 'pulse_bench' : `pulse_bench_s${String(scale).replace(/\W/g, '_')}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, adminUrl: base, temporary: mode === 'smoke' };
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(target: BenchDatabase): Promise<boolean> {
  return withAdmin(target.adminUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.name])).rowCount === 1);
}

export async function createDatabase(target: BenchDatabase): Promise<void> {
  if (!SAFE_NAME.test(target.name)) throw new Error(`Refusing to create "${target.name}": benchmark databases are named pulse_bench*.`);
  await withAdmin(target.adminUrl, (c) => c.query(`CREATE DATABASE ${target.name}`));
}

export async function dropDatabase(target: BenchDatabase): Promise<void> {
  if (!SAFE_NAME.test(target.name)) throw new Error(`Refusing to drop "${target.name}": only pulse_bench* databases are dropped.`);
  await withAdmin(target.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${target.name} WITH (FORCE)`));
}

export async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/**
 * Counts every statement sent by any pg client in this process (BEGIN and COMMIT included):
 * node-pg is one module instance for the whole workspace, so patching its prototype sees
 * the app's pool too.
 */
let statements = 0;
let patched = false;
export function countStatements(): { read(): number; reset(): void } {
  if (!patched) {
    patched = true;
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    const trace = process.env.BENCH_TRACE_SQL === '1';
    proto.query = function (this: unknown, ...args: unknown[]) {
      statements++;
      if (trace) {
        const q = args[0] as string | { text?: string };
        console.error(`[sql] ${(typeof q === 'string' ? q : (q?.text ?? '?')).replace(/\s+/g, ' ').slice(0, 140)}`);
      }
      return original.apply(this, args);
    };
  }
  return {
    read: () => statements,
    reset: () => {
      statements = 0;
    },
  };
}
