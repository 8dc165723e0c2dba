import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connect } from './connection.js';
import { migrateToLatest } from './migrate.js';
import type {} from './testing.js';

/**
 * Vitest global setup (vitest.config.ts `globalSetup`): runs the migrations once per test
 * run instead of once per test file. On PGlite it saves the migrated data folder as an
 * image in a temporary folder; on PostgreSQL (DATABASE_URL) it migrates a template
 * database. createTestDatabase copies that; the returned teardown removes it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void> | void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const handle = await connect({ dataDir: 'memory' });
    await migrateToLatest(handle.db);
    const image = await handle.dumpImage!();
    await handle.close();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-test-template-'));
    const file = path.join(folder, 'migrated.tar');
    fs.writeFileSync(file, Buffer.from(await image.arrayBuffer()));
    project.provide('pulseTestTemplate', file);
    return () => fs.rmSync(folder, { recursive: true, force: true });
  }
  const name = `pulse_t_template_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE ${name}`);
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${name}`;
  const handle = await connect({ url: templateUrl.toString(), poolSize: 1 });
  try {
    await migrateToLatest(handle.db);
  } catch (error) {
    await handle.close();
    await adminQuery(url, `DROP DATABASE ${name}`);
    throw error;
  }
  await handle.close();
  project.provide('pulseTestTemplate', name);
  return () => adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Runs one statement on its own connection to the server (CREATE and DROP DATABASE cannot run in a pool's transaction). */
export async function adminQuery(url: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}
