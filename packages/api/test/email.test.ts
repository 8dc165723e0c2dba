import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '@pulse/db';
import { useTestDatabase } from '@pulse/db/testing';
import { makeTenant } from './harness.js';
import { expectTrpcError } from './kpi-helpers.js';
import { EMAIL_QUEUE, queueDailyDigests } from '../src/domain/email.js';
import { queueWorkers } from '../src/domain/jobs.js';
import { emitEvents } from '../src/domain/webhooks.js';
import { startQueue, type JobQueue } from '../src/queue.js';

const handle = useTestDatabase();

interface Mail {
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that keeps every message it receives. */
let smtp: SMTPServer;
let smtpUrl: string;
const inbox: Mail[] = [];
beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

async function eventually(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
}

/** Sends queued emails through the test's SMTP server. */
async function mailer(): Promise<JobQueue> {
  const workers = queueWorkers({ url: smtpUrl, from: 'Pulse <pulse@test.example>' }).filter((w) => w.name === EMAIL_QUEUE);
  return startQueue({ db: handle.app, jobs: [], workers, pollingIntervalSeconds: 0.5 });
}

const critical = (accountName: string) => ({
  event: 'account.tier_changed' as const,
  summary: `${accountName} is now critical (was at risk), health 31.`,
  data: { accountId: '00000000-0000-4000-8000-000000000001', accountName, tier: 'critical', previousTier: 'at_risk', overall: 31, period: '2026-03' },
});

describe('email alerts', () => {
  it('emails admins at once when an account turns critical, and a daily digest; each user can turn either off', async () => {
    inbox.length = 0;
    const acme = await makeTenant(handle, 'Acme');
    const globex = await makeTenant(handle, 'Globex');
    const queue = await mailer();
    try {
      expect(await acme.asAdmin.notifications.preferences()).toEqual({ dailyDigest: true, criticalAlerts: true });
      await withTenant(handle.app, acme.tenant.id, (tx) => emitEvents(tx, acme.tenant.id, [critical('Automotive Solutions')]));
      await eventually(() => inbox.length >= 1);
      expect(inbox.map((m) => m.to)).toEqual([['admin@acme.test']]);
      expect(inbox[0]?.raw).toContain('Subject: Pulse: Automotive Solutions is now critical');
      expect(inbox[0]?.raw).toContain('Automotive Solutions is now critical (was at risk), health 31.');

      // Digest of the last 24 hours, per tenant: Globex had nothing, so gets nothing.
      const sent = await queueDailyDigests(handle.app, [acme.tenant.id, globex.tenant.id], new Date(Date.now() + 1000));
      expect(sent).toBe(1);
      await eventually(() => inbox.length >= 2);
      expect(inbox[1]?.to).toEqual(['admin@acme.test']);
      expect(inbox[1]?.raw).toContain('Subject: Pulse daily digest');
      expect(inbox[1]?.raw).toContain('Tier changes (1):');

      await acme.asAdmin.notifications.updatePreferences({ criticalAlerts: false });
      expect(await acme.asAdmin.notifications.preferences()).toEqual({ dailyDigest: true, criticalAlerts: false });
      await withTenant(handle.app, acme.tenant.id, (tx) => emitEvents(tx, acme.tenant.id, [critical('Biotech')]));
      await acme.asAdmin.notifications.updatePreferences({ dailyDigest: false });
      expect(await queueDailyDigests(handle.app, [acme.tenant.id], new Date(Date.now() + 1000))).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(inbox).toHaveLength(2);
      await expectTrpcError(acme.asAdmin.notifications.updatePreferences({ dailyDigest: 'no' } as never), 'BAD_REQUEST');
    } finally {
      await queue.stop();
    }
  }, 120_000);
});
