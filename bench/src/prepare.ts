import type pg from 'pg';
import { connect, migrateToLatest, type DatabaseHandle } from '@pulse/db';
import { buildDataset, readDataset, type DatasetInfo } from './dataset.js';
import { client, createDatabase, databaseExists, dropDatabase, type BenchDatabase } from './database.js';
import type { BenchOptions } from './options.js';

export interface Prepared {
  handle: DatabaseHandle;
  /** A plain pg client on the bench database (EXPLAIN, COPY, bookkeeping). */
  pg: pg.Client;
  dataset: DatasetInfo;
  reused: boolean;
}

async function loadSession(c: pg.Client, log: (l: string) => void): Promise<void> {
  await c.query(`SET synchronous_commit = off`);
  await c.query(`SET maintenance_work_mem = '1GB'`);
  await c.query(`SET work_mem = '256MB'`);
  await c.query(`SET max_parallel_maintenance_workers = 0`);
  try {
    // Superuser only: skips foreign-key triggers during the load (the generator keeps every key valid).
    await c.query(`SET session_replication_role = replica`);
  } catch {
    log('  (not a superuser: foreign keys are checked row by row during the load, which is slower)');
  }
}

/**
 * Opens the benchmark database, building the dataset when it is absent or of another shape.
 * Migrations are applied on every run, so a new migration (an index) reaches a reused dataset.
 */
export async function prepare(target: BenchDatabase, options: BenchOptions, log: (l: string) => void): Promise<Prepared> {
  if (await databaseExists(target)) {
    const probe = await client(target.url);
    const existing = await readDataset(probe, options).catch(() => null);
    await probe.end();
    if (existing) {
      const handle = await connect({ url: target.url, poolSize: 10 });
      try {
        // New migrations (an index, say) are applied to the existing data; renamed or removed ones force a rebuild.
        await migrateToLatest(handle.db);
        log(`Reusing dataset in database ${target.name} (built ${existing.builtAt} in ${existing.buildSeconds} s).`);
        return { handle, pg: await client(target.url), dataset: existing, reused: true };
      } catch (error) {
        await handle.close();
        log(`Migrations do not apply to the existing dataset (${error instanceof Error ? error.message : String(error)}): rebuilding it.`);
      }
    } else {
      log(`Database ${target.name} holds no complete dataset of this shape: rebuilding it.`);
    }
    await dropDatabase(target);
  }
  await createDatabase(target);
  const handle = await connect({ url: target.url, poolSize: 10 });
  await migrateToLatest(handle.db);
  log(`Building the dataset in database ${target.name}:`);
  const builders = [await client(target.url), await client(target.url)];
  for (const b of builders) await loadSession(b, log);
  try {
    const dataset = await buildDataset(builders[0] as pg.Client, options, { parallel: builders.slice(1), bulkLoad: true, log });
    log(`Dataset built in ${dataset.buildSeconds} s: ${dataset.totals.readings.toLocaleString('en')} readings.`);
    return { handle, pg: await client(target.url), dataset, reused: false };
  } finally {
    for (const b of builders) await b.end();
  }
}
