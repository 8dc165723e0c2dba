import { CompiledQuery, createQueryId, type Kysely, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { withTenant, type Database, type Db } from '@pulse/db';
import type { Exec, TenantHandle } from './dataset.js';
import type { BenchDatabase } from './database.js';
import type { ServerProcess } from './http.js';
import type { BenchOptions } from './options.js';
import type { Prepared } from './prepare.js';
import type { Results } from './report.js';

export interface BenchContext {
  options: BenchOptions;
  target: BenchDatabase;
  prepared: Prepared;
  results: Results;
  log: (line: string) => void;
  largest: TenantHandle;
  /** The real app (createApp) in a child process, shared by the suites that need it. */
  app: ServerProcess;
  /** Session cookie of the largest tenant's admin on `app`. */
  cookie: string;
}

/**
 * Captures the SQL a domain function sends (in order), compiled exactly as Kysely sends it,
 * so it can be EXPLAINed or replayed through a plain pg client.
 */
export class CapturePlugin implements KyselyPlugin {
  nodes: RootOperationNode[] = [];

  transformQuery(args: { node: RootOperationNode }): RootOperationNode {
    this.nodes.push(args.node);
    return args.node;
  }

  transformResult<R>(args: { result: R }): Promise<R> {
    return Promise.resolve(args.result);
  }
}

export async function captureSql(db: Db, fn: (db: Db) => Promise<unknown>): Promise<CompiledQuery[]> {
  const plugin = new CapturePlugin();
  await fn(db.withPlugin(plugin));
  return plugin.nodes.map((node) => db.getExecutor().compileQuery(node, createQueryId()));
}

/** Raw SQL with positional parameters through a Kysely instance (works on pg and PGlite alike). */
export function kyselyExec(db: Kysely<Database>) {
  return {
    async query<R = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<{ rows: R[] }> {
      const result = await db.executeQuery<R>(CompiledQuery.raw(text, params));
      return { rows: [...result.rows] };
    },
  };
}

export const fmtMs = (ms: number): string => (ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
export const fmtX = (x: number): string => `${x.toFixed(2)}×`;
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en');
export const fmtPct = (x: number): string => `${(x * 100).toFixed(0)}%`;

export type { Exec };

/**
 * Raw SQL the way the app runs tenant queries: inside withTenant (a transaction as the
 * pulse_app role with app.tenant_id set, so row-level security applies), on pg or PGlite.
 */
export function tenantExec(db: Db, tenantId: string): Exec {
  return {
    query: <R>(text: string, params: unknown[] = []) =>
      withTenant(db, tenantId, async (tx) => ({ rows: [...(await tx.executeQuery<R>(CompiledQuery.raw(text, params))).rows] })),
  };
}
