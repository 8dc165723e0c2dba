import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const benchRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(benchRoot, '..');

/** One line of the results table. `target` is null for report-only lines. */
export interface Row {
  bench: string;
  metric: string;
  value: string;
  target: string | null;
  pass: boolean | null;
}

export class Results {
  rows: Row[] = [];
  details: Record<string, unknown> = {};

  add(bench: string, metric: string, value: string, target: string | null = null, pass: boolean | null = null): void {
    this.rows.push({ bench, metric, value, target, pass });
  }

  detail(key: string, value: unknown): void {
    this.details[key] = value;
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function versionOf(pkg: string, from: string): string | null {
  try {
    const require = createRequire(path.join(from, 'package.json'));
    let dir = path.dirname(require.resolve(pkg));
    for (;;) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (json.name === pkg) return json.version ?? null;
      }
      const parent = path.dirname(dir);
      if (parent === dir) return null;
      dir = parent;
    }
  } catch {
    return null;
  }
}

export async function environment(client: pg.Client) {
  const server = await client.query<{ version: string; shared_buffers: string; work_mem: string; max_connections: string }>(
    `SELECT version(), current_setting('shared_buffers') AS shared_buffers, current_setting('work_mem') AS work_mem,
            current_setting('max_connections') AS max_connections`,
  );
  const cpus = os.cpus();
  const serverDir = path.join(repoRoot, 'apps/server');
  const apiDir = path.join(repoRoot, 'packages/api');
  const dbDir = path.join(repoRoot, 'packages/db');
  return {
    machine: {
      hostname: os.hostname(),
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    versions: {
      node: process.version,
      postgres: server.rows[0]?.version ?? 'unknown',
      pglite: versionOf('@electric-sql/pglite', dbDir),
      kysely: versionOf('kysely', dbDir),
      pg: versionOf('pg', dbDir),
      trpc: versionOf('@trpc/server', apiDir),
      express: versionOf('express', serverDir),
      expressSession: versionOf('express-session', serverDir),
      bcrypt: versionOf('bcrypt', dbDir),
      autocannon: versionOf('autocannon', benchRoot),
    },
    postgresSettings: {
      shared_buffers: server.rows[0]?.shared_buffers,
      work_mem: server.rows[0]?.work_mem,
      max_connections: server.rows[0]?.max_connections,
    },
    git: {
      commit: git(['rev-parse', 'HEAD']),
      branch: git(['rev-parse', '--abbrev-ref', 'HEAD']),
      dirty: (git(['status', '--porcelain']) ?? '') !== '',
    },
  };
}

export function printTable(rows: Row[]): string {
  const header: Row = { bench: 'benchmark', metric: 'metric', value: 'value', target: 'target', pass: null };
  const cells = (r: Row) => [r.bench, r.metric, r.value, r.target ?? '', r === header ? 'result' : r.pass === null ? 'report' : r.pass ? 'PASS' : 'MISS'];
  const all = [header, ...rows].map(cells);
  const widths = all[0]!.map((_, i) => Math.max(...all.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i] as number)).join('  ');
  const out = [line(all[0]!), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = '';
  for (const c of all.slice(1)) {
    out.push(line(c[0] === last ? ['', ...c.slice(1)] : c));
    last = c[0] as string;
  }
  return out.join('\n');
}

/** The same table as Markdown (for docs/PERFORMANCE.md). */
export function markdownTable(rows: Row[]): string {
  const out = ['| benchmark | metric | value | target | result |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    out.push(`| ${r.bench} | ${r.metric} | ${r.value} | ${r.target ?? ''} | ${r.pass === null ? 'report' : r.pass ? 'PASS' : 'MISS'} |`);
  }
  return out.join('\n');
}

export function writeJson(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
