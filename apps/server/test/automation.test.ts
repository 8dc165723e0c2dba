import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSessionPolicy, runRecorded, scheduledJobs } from '@pulse/api';
import { eventually, smtpInbox, webhookReceiver, type SmtpInbox } from '../../../packages/api/test/receivers.js';
import { startServer, type RunningServer } from '../src/server.js';
import { registerTenant, testConfig, type HttpClient } from './harness.js';
import { tempDir } from './process.js';

/**
 * The "Done when" of issue #15 as a black-box run against the real server (startServer, as
 * `pnpm start` runs it: migrations, HTTP, the job queue and its workers, SMTP): everything
 * goes over HTTP as curl would send it, except the two scheduled jobs, which the test runs
 * with a driven clock instead of waiting for 07:00 or for a date months away.
 * docs/AUTOMATION.md shows the same run by hand with curl.
 */

const sample = fs.readFileSync(path.resolve(import.meta.dirname, '../../../packages/db/seed/samples/workbooks/automotive_solutions_kpis.xlsx'));

let running: RunningServer;
let smtp: SmtpInbox;
let dataDir: string;
let hook: Awaited<ReturnType<typeof webhookReceiver>>;

beforeAll(async () => {
  smtp = await smtpInbox();
  hook = await webhookReceiver();
  dataDir = tempDir('pulse-automation-');
  running = await startServer(
    testConfig({
      HOST: '127.0.0.1',
      PULSE_DATA_DIR: dataDir,
      PULSE_DEMO_DATA: 'false',
      PULSE_JOBS: 'true',
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Pulse <pulse@test.example>',
    }),
  );
}, 240_000);

afterAll(async () => {
  await running?.stop();
  await hook?.close();
  await smtp?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** `curl -H "Authorization: Bearer $PULSE_TOKEN" …`: no cookie, no CSRF header, no Origin. */
function curl(token: string, pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${running.url}${pathname}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
}

function curlUpload(token: string): Promise<Response> {
  const form = new FormData();
  form.set('period', '2026-02');
  form.set('file', new File([sample], 'automotive.xlsx'));
  return curl(token, '/api/trpc/uploads.create', { method: 'POST', body: form });
}

/** Runs a scheduled job once, as the queue would, at a chosen time. */
function runJob(name: string, now: Date) {
  const job = scheduledJobs(defaultSessionPolicy).find((j) => j.name === name);
  if (!job) throw new Error(`No scheduled job ${name}.`);
  return runRecorded(running.database.db, job, { jobId: `driven-${name}`, attempt: 1 }, now);
}

const events = () => hook.received.map((r) => (JSON.parse(r.body) as { event: string }).event);

describe('automation, end to end', () => {
  let admin: HttpClient;
  let token: { id: string; token: string };
  let secret: string;

  it('an admin creates a token and a webhook (each secret shown once)', async () => {
    admin = await registerTenant(running.url, 'Acme', 'ada@acme.test');
    token = (await admin.mutation<{ id: string; token: string }>('tokens.create', { name: 'Nightly feed', scope: 'read-write' })).data;
    expect(token.token).toMatch(/^pulse_/);
    const created = await admin.mutation<{ id: string; secret: string }>('webhooks.create', {
      url: hook.url,
      events: ['account.tier_changed', 'recommendation.fired', 'task.overdue', 'upload.rejected'],
    });
    expect(created.status).toBe(200);
    secret = created.data.secret;
  });

  it('an upload with a bearer token changes a tier, and the receiver gets it signed within seconds', async () => {
    const uploaded = await curlUpload(token.token);
    const doneAt = Date.now();
    expect(uploaded.status).toBe(200);
    expect(((await uploaded.json()) as { result: { data: { report: { status: string } } } }).result.data.report.status).toBe('accepted');

    await eventually(events, (e) => e.includes('account.tier_changed'), 30_000);
    const delivery = hook.received.find((r) => r.body.includes('"account.tier_changed"'));
    expect(delivery).toBeDefined();
    const timestamp = String(delivery?.headers['x-pulse-timestamp']);
    const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivery?.body}`).digest('hex')}`;
    expect(delivery?.headers['x-pulse-signature']).toBe(expected);
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({ event: 'account.tier_changed', data: { accountName: 'Automotive Solutions' } });
    console.log(`Webhook delivered ${(((delivery?.at ?? doneAt) - doneAt) / 1000).toFixed(1)} s after the upload answered.`);
  }, 60_000);

  it('the daily digest reaches the admin (the account has no owner) through SMTP', async () => {
    expect(await runJob('email.daily-digest', new Date(Date.now() + 1000))).toEqual({ emails: 1 });
    const mails = await eventually(
      () => smtp.mails.filter((m) => m.subject.startsWith('Pulse daily digest')),
      (m) => m.length > 0,
      30_000,
    );
    expect(mails.map((m) => m.to)).toEqual([['ada@acme.test']]);
    expect(mails[0]?.raw).toContain('Tier changes (1):');
    expect(mails[0]?.raw).toContain('Automotive Solutions is now');
  }, 60_000);

  it('a revoked token is UNAUTHORIZED at once', async () => {
    expect((await curl(token.token, '/api/trpc/accounts.list?input=%7B%7D')).status).toBe(200);
    expect((await admin.mutation('tokens.revoke', { id: token.id })).status).toBe(200);
    const refused = await curl(token.token, '/api/trpc/accounts.list?input=%7B%7D');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { data: { code: string } } }).error.data.code).toBe('UNAUTHORIZED');
    expect((await curlUpload(token.token)).status).toBe(401);
  });

  it('a renewal trigger fires on the day its 90-day window opens, with no upload, and the receiver hears of it', async () => {
    // Renews on 2027-09-01: its 90-day window opens on 2027-06-03 (2027-09-01 minus 90 days).
    expect((await admin.mutation('accounts.create', { name: 'Renews in September', renewalDate: '2027-09-01' })).status).toBe(200);
    const renewals = async () =>
      (
        await admin.query<{ items: { account: { name: string } }[] }>('playbooks.recommendations', { playbookKey: 'renewal_safeguard', limit: 100 })
      ).data.items.map((r) => r.account.name);
    await runJob('playbooks.evaluate-daily', new Date('2027-06-02T00:05:00Z'));
    expect(await renewals()).not.toContain('Renews in September');
    await runJob('playbooks.evaluate-daily', new Date('2027-06-03T00:05:00Z'));
    expect(await renewals()).toContain('Renews in September');
    const fired = await eventually(
      () => hook.received.filter((r) => r.body.includes('"recommendation.fired"') && r.body.includes('Renews in September')),
      (r) => r.length > 0,
      30_000,
    );
    expect(fired).toHaveLength(1);
  }, 60_000);
});
