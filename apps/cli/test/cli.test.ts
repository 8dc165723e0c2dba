import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/src/app.js';
import { PASSWORD, registerTenant, startTestServer, testConfig, type HttpClient, type TestServer } from '../../server/test/harness.js';
import { repoRoot, runCli, tempDir, type CliResult } from './run-cli.js';

const SAMPLE = path.join(repoRoot, 'packages/db/seed/samples/workbooks/automotive_solutions_kpis.xlsx');
const EMAIL = 'ada@acme.test';

let app: TestServer;
let admin: HttpClient;
let work: string;
/** Acme's data every read-only test below sees, whatever runs first: two uploads of SAMPLE and 104 more accounts. */
const BULK_ACCOUNTS = 104;

interface Cli {
  configDir: string;
  sessionPath: string;
  run: (args: string[], input?: string) => Promise<CliResult>;
}

/** The CLI with a config folder of its own (named after the test), not signed in. */
function cliIn(name: string): Cli {
  const configDir = path.join(work, name);
  return { configDir, sessionPath: path.join(configDir, 'session.json'), run: (args, input) => runCli(args, { configDir, input }) };
}

/** The CLI with a config folder of its own, signed in as `email` (Acme's admin unless said). */
async function signedIn(name: string, email = EMAIL): Promise<Cli> {
  const cli = cliIn(name);
  const login = await cli.run(['login', '--url', app.url, '--email', email, '--password-stdin'], `${PASSWORD}\n`);
  expect(login.code, explainFailure(login)).toBe(0);
  return cli;
}

/** The CLI signed in to a tenant of its own, so what the test writes changes no other test's data. */
async function ownTenant(name: string): Promise<Cli> {
  const email = `admin@${name}.test`;
  await registerTenant(app.url, name, email);
  return signedIn(name, email);
}

function explainFailure(result: CliResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

beforeAll(async () => {
  app = await startTestServer();
  admin = await registerTenant(app.url, 'Acme', EMAIL);
  work = tempDir('pulse-cli-test-');
  const seed = await signedIn('seed');
  for (const period of ['2026-01', '2026-02']) {
    const upload = await seed.run(['upload', SAMPLE, '--period', period, '--account', 'Automotive Solutions']);
    expect(upload.code, explainFailure(upload)).toBe(0);
  }
  const created = await Promise.all(
    Array.from({ length: BULK_ACCOUNTS }, (_, i) =>
      admin.mutation('accounts.create', { name: `Bulk ${String(i).padStart(3, '0')}`, tier: i % 10 === 0 ? 'Enterprise' : 'SMB' }),
    ),
  );
  expect(created.map((r) => r.status)).toEqual(created.map(() => 200));
}, 240_000); // a sign-in, two uploads and 104 accounts: more than one test's work

afterAll(async () => {
  await app?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** A port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('pulse --help', () => {
  it('documents every command', async () => {
    const commands = [[], ['login'], ['logout'], ['whoami'], ['upload'], ['accounts'], ['accounts', 'list'], ['health'], ['export'], ['import-profiles']];
    const { run } = cliIn('help');
    const results = await Promise.all(commands.map((c) => run([...c, '--help'])));
    results.forEach((result, i) => {
      expect(result.code, explainFailure(result)).toBe(0);
      expect(result.stdout).toContain(`Usage: pulse ${commands[i]!.join(' ')}`.trim());
    });
    expect(results[1]!.stdout).toContain('--password-stdin');
    expect(results[4]!.stdout).toContain('--period');
  });
});

describe('pulse against a running server', () => {
  it('login reads the password from stdin and keeps the session in a 0600 file', async () => {
    const { configDir, sessionPath, run } = cliIn('login');
    const result = await run(['login', '--url', `${app.url}/`, '--email', EMAIL, '--password-stdin'], `${PASSWORD}\n`);
    expect(result.code, explainFailure(result)).toBe(0);
    expect(result.stdout).toContain(`Logged in to ${app.url} as`);
    expect(result.stdout).toContain('(admin) in Acme');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);

    const stat = fs.statSync(sessionPath);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(fs.statSync(configDir).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(fs.readFileSync(sessionPath, 'utf8')) as { url: string; email: string; cookies: { key: string; path: string }[] };
    expect(saved.url).toBe(app.url);
    expect(saved.email).toBe(EMAIL);
    expect(saved.cookies).toMatchObject([{ key: 'pulse.sid', path: '/' }]);
    expect(JSON.stringify(saved)).not.toContain(PASSWORD);
  });

  it('whoami shows the user, role, tenant and server', async () => {
    const result = await (await signedIn('whoami')).run(['whoami']);
    expect(result.code, explainFailure(result)).toBe(0);
    expect(result.stdout).toContain(`<${EMAIL}>`);
    expect(result.stdout).toMatch(/role:\s+admin/);
    expect(result.stdout).toMatch(/tenant:\s+Acme/);
    expect(result.stdout).toContain(app.url);
  });

  it('rejects a wrong password with the server message', async () => {
    const other = tempDir('pulse-cli-wrong-');
    try {
      const result = await runCli(['login', '--url', app.url, '--email', EMAIL, '--password-stdin'], { configDir: other, input: 'not the password\n' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Invalid email or password.');
      expect(fs.existsSync(path.join(other, 'session.json'))).toBe(false);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('also takes the password from PULSE_PASSWORD, and refuses to prompt without a terminal', async () => {
    const other = tempDir('pulse-cli-env-');
    try {
      const viaEnv = await runCli(['login', '--url', app.url, '--email', EMAIL], { configDir: other, env: { PULSE_PASSWORD: PASSWORD } });
      expect(viaEnv.code, explainFailure(viaEnv)).toBe(0);
      const noTty = await runCli(['login', '--url', app.url, '--email', EMAIL], { configDir: other });
      expect(noTty.code).toBe(1);
      expect(noTty.stderr).toContain('--password-stdin');
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('upload of a sample workbook: progress on stderr, counts on stdout, exit 0', async () => {
    const result = await (await ownTenant('upload-sample')).run(['upload', SAMPLE, '--period', '2026-01', '--account', 'Automotive Solutions']);
    expect(result.code, explainFailure(result)).toBe(0);
    expect(result.stdout).toContain('Accepted automotive_solutions_kpis.xlsx (xlsx).');
    expect(result.stdout).toMatch(/readings\s+59\b/);
    expect(result.stdout).toMatch(/scored\s+\d+/);
    expect(result.stdout).toMatch(/Automotive Solutions\s+2026-01\s+1\s+59/);
    expect(result.stderr).toMatch(/Uploading automotive_solutions_kpis\.xlsx\s+\[#+\]\s+100%/);
  });

  it('upload of a CSV file streams it and shows the rows the server read and stored', async () => {
    const csv = path.join(work, 'readings.csv');
    // 6,000 readings of one account, in its own tenant: stored as one batch of 5,000 and one of 1,000.
    const lines = Array.from({ length: 6000 }, (_, i) => `Automotive Solutions,2025-01,Support,KPI ${i},${i % 100}%`);
    fs.writeFileSync(csv, `account,period,category,kpi,value\n${lines.join('\n')}\n`);
    const result = await (await ownTenant('upload-csv')).run(['upload', csv]);
    expect(result.code, explainFailure(result)).toBe(0);
    expect(result.stdout).toMatch(/readings\s+6000\b/);
    expect(result.stderr).toMatch(/Uploading readings\.csv\s+\[#+\]\s+100%.*6,000 rows read, 6,000 stored/);
  });

  it('upload --json prints the report as JSON', async () => {
    const result = await (await ownTenant('upload-json')).run(['upload', SAMPLE, '--period', '2026-02', '--json']);
    expect(result.code, explainFailure(result)).toBe(0);
    const body = JSON.parse(result.stdout) as { uploadId: string; report: { status: string; counts: { readings: number } } };
    expect(body.report).toMatchObject({ status: 'accepted', counts: { readings: 59 } });
  });

  it('import-profiles imports the customer-profile workbook; upload of it points there', async () => {
    // A tenant of its own, so the 36 accounts it creates do not change the other tests' lists.
    await registerTenant(app.url, 'Profiles', 'pat@profiles.test');
    const own = path.join(work, 'profiles-config');
    const cli = (args: string[], input?: string) => runCli(args, { configDir: own, input });
    const login = await cli(['login', '--url', app.url, '--email', 'pat@profiles.test', '--password-stdin'], `${PASSWORD}\n`);
    expect(login.code, explainFailure(login)).toBe(0);

    const profiles = path.join(repoRoot, 'packages/db/seed/samples/customer-profile.xlsx');
    const asReadings = await cli(['upload', profiles, '--period', '2026-01']);
    expect(asReadings.code).toBe(2);
    expect(asReadings.stdout).toContain('import it with  pulse import-profiles customer-profile.xlsx');

    const result = await cli(['import-profiles', profiles]);
    expect(result.code, explainFailure(result)).toBe(0);
    // The sample holds 36 accounts with 60 products (packages/api/test/profiles.test.ts).
    expect(result.stdout).toContain('Imported customer profiles from customer-profile.xlsx: 36 accounts created, 0 updated, 60 products recorded.');
    expect(result.stderr).toMatch(/Uploading customer-profile\.xlsx/);

    const notProfiles = await cli(['import-profiles', SAMPLE, '--json']);
    expect(notProfiles.code).toBe(2);
    const body = JSON.parse(notProfiles.stdout) as { status: string; problems: { message: string }[] };
    expect(body.status).toBe('rejected');
    expect(body.problems.length).toBeGreaterThan(0);
  });

  it('upload of a garbage file: every problem in a table, non-zero exit', async () => {
    const pulse = (await ownTenant('upload-garbage')).run;
    const garbage = path.join(work, 'garbage.xlsx');
    fs.writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
    const result = await pulse(['upload', garbage, '--period', '2026-01']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Rejected garbage.xlsx');
    expect(result.stdout).toMatch(/SHEET\s+ROW\s+COLUMN\s+PROBLEM/);
    expect(result.stdout).toContain('Unsupported file type');
    expect(result.stderr).toContain('Upload rejected');

    const broken = path.join(work, 'broken.xlsx');
    fs.writeFileSync(broken, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 1)]));
    const brokenResult = await pulse(['upload', broken, '--period', '2026-01']);
    expect(brokenResult.code, explainFailure(brokenResult)).toBe(2);
    expect(brokenResult.stdout).toMatch(/SHEET\s+ROW\s+COLUMN\s+PROBLEM\n\S/);

    const csv = path.join(work, 'wrong-columns.csv');
    fs.writeFileSync(csv, 'foo,bar\n1,2\n');
    const rejected = await pulse(['upload', csv]);
    expect(rejected.code).toBe(2);
    const problems = rejected.stdout.split('\n').filter((line) => line.includes('column'));
    expect(problems.length).toBeGreaterThanOrEqual(5);
    for (const column of ['account', 'period', 'category', 'kpi', 'value']) expect(rejected.stdout).toContain(`Missing required column '${column}'`);
  });

  it('upload of a file that is missing, a folder, or empty fails clearly before sending anything', async () => {
    const pulse = (await signedIn('upload-missing')).run;
    const empty = path.join(work, 'empty.csv');
    fs.writeFileSync(empty, '');
    const text = path.join(work, 'readings.txt');
    fs.writeFileSync(text, 'account,period,category,kpi,value\nAcme,2026-01,Support,Ticket Volume,5\n');
    const uploads = async () => (await app.handle.db.selectFrom('kpi_uploads').select('kpi_uploads.id').execute()).length;
    const before = await uploads();
    const [missing, folder, emptyResult, badPeriod, textResult] = await Promise.all([
      pulse(['upload', path.join(work, 'nope.xlsx'), '--period', '2026-01']),
      pulse(['upload', work]),
      pulse(['upload', empty]),
      pulse(['upload', SAMPLE, '--period', '2026-13']),
      pulse(['upload', text]),
    ]);
    expect(textResult.code).toBe(1);
    expect(textResult.stderr).toContain(
      'readings.txt is not a .csv or .xlsx file: Pulse imports KPI readings from CSV files (.csv) and Excel workbooks (.xlsx).',
    );
    expect(textResult.stderr).not.toContain('Uploading');
    expect(await uploads()).toBe(before);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`File not found: ${path.join(work, 'nope.xlsx')}`);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain('is a folder, not a file');
    expect(emptyResult.code).toBe(1);
    expect(emptyResult.stderr).toContain('is empty');
    expect(badPeriod.code).toBe(1);
    expect(badPeriod.stderr).toContain('YYYY-MM');
  });

  it('upload of an unreadable file says so', async (ctx) => {
    if (process.getuid?.() === 0) ctx.skip(); // root reads everything
    const pulse = (await signedIn('upload-locked')).run;
    const locked = path.join(work, 'locked.xlsx');
    fs.copyFileSync(SAMPLE, locked);
    fs.chmodSync(locked, 0o000);
    const result = await pulse(['upload', locked]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('permission denied');
  });

  it('accounts list --json streams every page as one JSON array; --tier filters', async () => {
    const pulse = (await signedIn('accounts')).run;
    const [all, enterprise, none, table] = await Promise.all([
      pulse(['accounts', 'list', '--json']),
      pulse(['accounts', 'list', '--tier', 'Enterprise', '--json']),
      pulse(['accounts', 'list', '--search', 'no such account', '--json']),
      pulse(['accounts', 'list', '--search', 'automotive']),
    ]);
    expect(all.code, explainFailure(all)).toBe(0);
    const accounts = JSON.parse(all.stdout) as { name: string; tier: string | null; health: { tier: string } }[];
    expect(accounts).toHaveLength(BULK_ACCOUNTS + 1); // Automotive Solutions and the bulk ones: more than one page of 100
    expect(new Set(accounts.map((a) => a.name)).size).toBe(BULK_ACCOUNTS + 1);
    expect(accounts.find((a) => a.name === 'Automotive Solutions')?.health.tier).not.toBe('unknown');

    expect(enterprise.code, explainFailure(enterprise)).toBe(0);
    const filtered = JSON.parse(enterprise.stdout) as { name: string; tier: string }[];
    expect(filtered).toHaveLength(Math.ceil(BULK_ACCOUNTS / 10)); // every tenth bulk account, from 0
    expect(filtered.every((a) => a.tier === 'Enterprise')).toBe(true);

    expect(JSON.parse(none.stdout)).toEqual([]);

    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+TIER\s+STATUS\s+HEALTH/);
    expect(table.stdout).toContain('Automotive Solutions');
  });

  it('health resolves the account by name and explains the score', async () => {
    const pulse = (await signedIn('health')).run;
    const [plain, explained, json, ambiguous, unknown, noData] = await Promise.all([
      pulse(['health', 'automotive solutions']),
      pulse(['health', 'Automotive Solutions', '--explain', '--period', '2026-01']),
      pulse(['health', 'Automotive Solutions', '--explain', '--json']),
      pulse(['health', 'Bulk']),
      pulse(['health', 'Nobody Inc']),
      pulse(['health', 'Bulk 000']),
    ]);
    expect(plain.code, explainFailure(plain)).toBe(0);
    expect(plain.stdout).toContain('Automotive Solutions, 2026-02');
    expect(plain.stdout).toMatch(/health\s+\d+\.\d \((healthy|at_risk|critical)\)/);
    expect(plain.stdout).toMatch(/CATEGORY\s+SCORE\s+WEIGHT/);

    expect(explained.code, explainFailure(explained)).toBe(0);
    expect(explained.stdout).toContain('Automotive Solutions, 2026-01');
    expect(explained.stdout).toMatch(/CATEGORY\s+KPI\s+PRODUCT\s+RAW\s+STATUS\s+SCORE/);
    expect(explained.stdout.split('\n').length).toBeGreaterThan(59);

    const body = JSON.parse(json.stdout) as { health: { period: string }; explanation: { readings: unknown[] } };
    expect(body.health.period).toBe('2026-02');
    expect(body.explanation.readings).toHaveLength(59);

    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(`"Bulk" matches ${BULK_ACCOUNTS} accounts`);

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No account matches "Nobody Inc"');

    expect(noData.code).toBe(0);
    expect(noData.stdout).toContain('has no health score');
  });

  it('logout ends the session; whoami then fails clearly, and so does the old cookie', async () => {
    const { sessionPath, run: pulse } = await signedIn('logout');
    const saved = fs.readFileSync(sessionPath);
    const out = await pulse(['logout']);
    expect(out.code, explainFailure(out)).toBe(0);
    expect(out.stdout).toContain(`Logged out of ${app.url}`);
    expect(fs.existsSync(sessionPath)).toBe(false);

    const who = await pulse(['whoami']);
    expect(who.code).toBe(1);
    expect(who.stderr).toContain('Not logged in: run pulse login');

    // The cookie from before the logout is dead on the server.
    fs.writeFileSync(sessionPath, saved, { mode: 0o600 });
    const stale = await pulse(['whoami']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('Your session has expired: run pulse login');
    const after = JSON.parse(fs.readFileSync(sessionPath, 'utf8')) as { url: string; cookies: object };
    expect(after).toMatchObject({ url: app.url, cookies: [] });
    const list = await pulse(['accounts', 'list']);
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('Your session has expired: run pulse login');

    // login again without --url/--email: the last ones are remembered.
    const again = await pulse(['login', '--password-stdin'], PASSWORD);
    expect(again.code, explainFailure(again)).toBe(0);
    expect(fs.statSync(sessionPath).mode & 0o777).toBe(0o600);
  });

  it('a wrong URL gives "Cannot reach Pulse at URL"', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const other = tempDir('pulse-cli-url-');
    try {
      const result = await runCli(['login', '--url', url, '--email', EMAIL, '--password-stdin'], { configDir: other, input: PASSWORD });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Cannot reach Pulse at ${url}`);

      const notPulse = await runCli(['login', '--url', `${app.url}/not-here`, '--email', EMAIL, '--password-stdin'], { configDir: other, input: PASSWORD });
      expect(notPulse.code).toBe(1);
      expect(notPulse.stderr).toContain('did not answer like a Pulse server');

      const invalid = await runCli(['login', '--url', 'not a url', '--email', EMAIL, '--password-stdin'], { configDir: other, input: PASSWORD });
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toContain('Give the full address with http:// or https://');
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('pulse export', () => {
  it('writes the zip for an admin with mode 0600, refuses to overwrite without --force', async () => {
    const { run } = await signedIn('export');
    const out = path.join(work, 'export.zip');
    const result = await run(['export', '--out', out]);
    expect(result.code, explainFailure(result)).toBe(0);
    expect(fs.readFileSync(out).subarray(0, 2).toString()).toBe('PK');
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(result.stderr).toMatch(/Exporting\s+\d[\d.]* (B|KB|MB)\n/); // the server streams the zip with no length: progress counts bytes
    expect(result.stdout).toContain(`to ${out}`);

    const again = await run(['export', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    const forced = await run(['export', '--out', out, '--force']);
    expect(forced.code, explainFailure(forced)).toBe(0);
    expect(fs.readdirSync(work).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('403 for a member and 401 for a dead session give clear errors and no file', async () => {
    const memberEmail = 'mo@acme.test';
    const added = await admin.mutation('users.create', { name: 'Mo Member', email: memberEmail, role: 'member', password: PASSWORD });
    expect(added.status).toBe(200);
    const member = await (await signedIn('export-member', memberEmail)).run(['export', '--out', path.join(work, 'member.zip')]);
    expect(member.code).toBe(1);
    expect(member.stderr).toContain('Only admins can export');
    expect(fs.existsSync(path.join(work, 'member.zip'))).toBe(false);

    const dead = await signedIn('export-dead');
    const session = JSON.parse(fs.readFileSync(dead.sessionPath, 'utf8')) as { cookies: Record<string, string> };
    const ended = await dead.run(['logout']);
    expect(ended.code, explainFailure(ended)).toBe(0);
    fs.writeFileSync(dead.sessionPath, JSON.stringify({ ...session, url: app.url, email: EMAIL, savedAt: new Date().toISOString() }), { mode: 0o600 });
    const expired = await dead.run(['export', '--out', path.join(work, 'expired.zip')]);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('Your session has expired: run pulse login');
    expect(fs.existsSync(path.join(work, 'expired.zip'))).toBe(false);
  });
});

describe('pulse against HTTPS with a certificate this computer does not trust', () => {
  let tls: { dir: string; cert: string; server: https.Server; url: string };

  beforeAll(async () => {
    const dir = tempDir('pulse-cli-tls-');
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, createApp({ db: app.handle.app, config: testConfig() }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tls = { dir, cert, server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
  });

  afterAll(async () => {
    if (!tls) return;
    tls.server.closeAllConnections();
    await new Promise<void>((resolve) => tls.server.close(() => resolve()));
    fs.rmSync(tls.dir, { recursive: true, force: true });
  });

  it('says the certificate is self-signed and how to trust it, and works once it is trusted', async () => {
    const other = path.join(tls.dir, 'config');
    const login = (env?: Record<string, string>) =>
      runCli(['login', '--url', tls.url, '--email', EMAIL, '--password-stdin'], { configDir: other, input: PASSWORD, env });
    const untrusted = await login();
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain(
      `Pulse at ${tls.url} cannot be trusted: its certificate is self-signed, so nothing vouches for it (DEPTH_ZERO_SELF_SIGNED_CERT).`,
    );
    expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS=/path/to/that.pem');
    expect(untrusted.stderr).not.toContain('Cannot reach Pulse');

    const trusted = await login({ NODE_EXTRA_CA_CERTS: tls.cert });
    expect(trusted.code, explainFailure(trusted)).toBe(0);
  });
});
