import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../build.js';
import { registerTenant } from './harness.js';
import { freePort, ServerProcess, tempDir } from './process.js';

const serverDir = path.resolve(import.meta.dirname, '..');
const migrationSources = fs.readdirSync(path.resolve(serverDir, '../../packages/db/src/migrations')).filter((f) => f.endsWith('.ts'));
const workbook = fs.readFileSync(path.resolve(serverDir, '../../packages/db/seed/samples/workbooks/automotive_solutions_kpis.xlsx'));

/**
 * The compiled build as production runs it: `node main.js` with no TypeScript loader, on a
 * fresh embedded database. The output folder sits inside apps/server, as dist/ does, so the
 * external npm packages load from the server's own node_modules.
 */
describe('the compiled server (node dist/main.js)', () => {
  let out: string;
  let dataDir: string;
  let server: ServerProcess;
  let url: string;

  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(serverDir, '.build-test-'));
    dataDir = tempDir('pulse-build-');
    await buildServer(out);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = new ServerProcess(
      {
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        PULSE_DATA_DIR: dataDir,
        DATABASE_URL: '',
        PULSE_DEMO_DATA: 'false',
        BCRYPT_COST: '10',
        LOG_LEVEL: 'warn',
      },
      [path.join(out, 'main.js')],
    );
    await server.waitFor(/Pulse is running at/);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('compiles every migration to a .js file beside the migrator and applies them all at start', async () => {
    const compiled = fs.readdirSync(path.join(out, 'migrations')).filter((f) => f.endsWith('.js'));
    expect(compiled).toEqual(migrationSources.map((f) => f.replace(/\.ts$/, '.js')));
    // One "Applied N database migrations" line, N = the migration sources in packages/db.
    expect(server.output).toContain(`Applied ${migrationSources.length} database migrations`);
    const ready = await fetch(`${url}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'reachable', migrations: 'current' });
  });

  it('parses an uploaded workbook in the compiled worker thread', { timeout: 120_000 }, async () => {
    expect(fs.existsSync(path.join(out, 'workbook-worker.js'))).toBe(true);
    const client = await registerTenant(url, 'Acme', 'ada@acme.test');
    const form = new FormData();
    form.set('period', '2026-02');
    form.set('file', new File([workbook], 'automotive.xlsx'));
    const res = await fetch(`${url}/api/trpc/uploads.create`, {
      method: 'POST',
      headers: { cookie: client.cookie ?? '', 'x-pulse-client': 'web', origin: url },
      body: form,
    });
    expect(res.status).toBe(200);
    // 59 readings: the sample workbook's KPI rows, as the ingest worker test counts them.
    expect(await res.json()).toMatchObject({ result: { data: { report: { status: 'accepted', counts: { readings: 59 } } } } });
  });
});
