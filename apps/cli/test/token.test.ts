import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTenant, startTestServer, type HttpClient, type TestServer } from '../../server/test/harness.js';
import { repoRoot, runCli, tempDir, type CliResult } from './run-cli.js';

const SAMPLE = path.join(repoRoot, 'packages/db/seed/samples/workbooks/automotive_solutions_kpis.xlsx');

let app: TestServer;
let admin: HttpClient;
let work: string;
const pulse = (args: string[], env: Record<string, string>) => runCli(args, { configDir: path.join(work, 'config'), env });
const explainFailure = (r: CliResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

beforeAll(async () => {
  app = await startTestServer();
  admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
  work = tempDir('pulse-cli-token-');
});

afterAll(async () => {
  await app?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('pulse with an API token (no login)', () => {
  it('uploads with PULSE_TOKEN, acts with --token, and says clearly when the token is revoked or the URL is missing', async () => {
    const created = await admin.mutation<{ id: string; token: string }>('tokens.create', { name: 'cron', scope: 'read-write' });
    const { id, token } = created.data;

    const upload = await pulse(['upload', SAMPLE, '--period', '2026-01'], { PULSE_URL: app.url, PULSE_TOKEN: token });
    expect(upload.code, explainFailure(upload)).toBe(0);
    expect(upload.stdout).toContain('Accepted automotive_solutions_kpis.xlsx');
    expect(fs.existsSync(path.join(work, 'config', 'session.json'))).toBe(false);

    const whoami = await pulse(['--token', token, 'whoami'], { PULSE_URL: app.url });
    expect(whoami.code, explainFailure(whoami)).toBe(0);
    expect(whoami.stdout).toContain('tenant:  Acme');

    const noUrl = await pulse(['upload', SAMPLE], { PULSE_TOKEN: token });
    expect(noUrl.stderr).toContain('Give the server address in PULSE_URL when using an API token');
    expect(noUrl.code).toBe(1);

    await admin.mutation('tokens.revoke', { id });
    const refused = await pulse(['upload', SAMPLE, '--period', '2026-01'], { PULSE_URL: app.url, PULSE_TOKEN: token });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The API token was refused: it may have been revoked or have expired');
    const exported = await pulse(['export', '--out', path.join(work, 'out.zip')], { PULSE_URL: app.url, PULSE_TOKEN: token });
    expect(exported.stderr).toContain('The API token was refused');
  });
});
