import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../src/data-dir.js';
import { PLAIN_HTTP_WARNING } from '../src/server.js';
import { TEST_SECRET } from './harness.js';
import { freePort, notPrivate, ServerProcess, tempDir } from './process.js';

/** `pnpm start` on the embedded database, as a new user runs it from a fresh clone. */
function embedded(dataDir: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    PULSE_DATA_DIR: dataDir,
    BCRYPT_COST: '10',
    DATABASE_URL: '',
    PULSE_DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

const started: ServerProcess[] = [];
const folders: string[] = [];

function server(env: Record<string, string>): ServerProcess {
  const child = new ServerProcess(env);
  started.push(child);
  return child;
}

function folder(prefix: string): string {
  const dir = tempDir(prefix);
  folders.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the first start on the embedded database (demo data)', () => {
  let dataDir: string;
  let port: number;
  let first: ServerProcess;

  beforeAll(async () => {
    dataDir = folder('pulse-start-');
    fs.chmodSync(dataDir, 0o755);
    fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'left by an older Pulse');
    fs.chmodSync(path.join(dataDir, 'notes.txt'), 0o644);
    port = await freePort();
    first = server(embedded(dataDir, port, { PULSE_DEMO_DATA: 'true' }));
    await first.waitFor(/Pulse is running at/);
  }, 300_000);

  it('prints each step: database, migrations applied, each demo tenant loaded with its counts', () => {
    const lines = first.output.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const steps = [
      /^Opening the embedded database in .*pglite\.\.\.$/,
      /^Applied \d+ database migrations: 2026-11-29T1600_initial, /,
      /^Loading demo tenant Northwind CS\.\.\.$/,
      /^Loaded demo tenant Northwind CS: 2 users, \d+ accounts, \d+ uploads, \d+ KPI readings\.$/,
      /^Loading demo tenant Globex Success\.\.\.$/,
      /^Loaded demo tenant Globex Success: 1 user, 6 accounts, 6 uploads, \d+ KPI readings\.$/,
      /^Pulse is running at http:\/\/127\.0\.0\.1:\d+ on embedded PGlite/,
    ].map(at);
    expect(
      steps.every((index) => index >= 0),
      first.output,
    ).toBe(true);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it("keeps the data folder private: an existing folder is fixed with a log line, and new files are the owner's alone", () => {
    expect(first.output).toContain(`The data folder ${dataDir} was readable by other users: made 2 files and folders private (owner only).`);
    expect(notPrivate(dataDir)).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'pglite')).length).toBeGreaterThan(0);
  });

  it('a second server on the same data folder refuses to start and names the process holding it', async () => {
    const second = server(embedded(dataDir, await freePort()));
    expect(await second.exited).toBe(1);
    expect(second.output).toContain(`Pulse cannot start: The embedded database in ${dataDir} is in use by another process (pid ${first.pid}: `);
    expect(second.output).toContain('give this one its own PULSE_DATA_DIR');
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
  }, 240_000);

  it('a server on a busy port exits 1 with "port N is in use" (and warns about production over plain HTTP)', async () => {
    const fresh = path.join(folder('pulse-port-'), 'new', 'data');
    const busy = server(embedded(fresh, port, { NODE_ENV: 'production', SESSION_SECRET: TEST_SECRET, TRUST_PROXY: '0' }));
    expect(await busy.exited).toBe(1);
    expect(busy.output).toContain(`Warning: ${PLAIN_HTTP_WARNING}`);
    expect(busy.output).toContain(`Pulse cannot start: port ${port} is in use on 127.0.0.1`);
    expect(busy.output).not.toContain('Pulse is running');
    expect(fs.statSync(fresh).mode & 0o777).toBe(0o700);
    expect(notPrivate(fresh)).toEqual([]);
    expect(fs.existsSync(path.join(fresh, LOCK_FILE))).toBe(false);
  }, 240_000);

  it('stopping releases the lock; a lock left by a process that no longer runs is taken over', async () => {
    expect(await first.stop()).toBe(0);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid: gone, host: 'here', startedAt: '2026-12-01T00:00:00.000Z' }));
    const next = server(embedded(dataDir, await freePort(), { PULSE_DEMO_DATA: 'true' }));
    await next.waitFor(/Pulse is running at/);
    expect(next.output).toContain(`Took over the lock on ${dataDir} left by process ${gone}, which no longer runs.`);
    expect(next.output).toContain('Demo data: nothing to load');
    expect(next.output).not.toContain('Loading demo tenant');
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: next.pid });
    expect(await next.stop()).toBe(0);
  }, 300_000);
});
