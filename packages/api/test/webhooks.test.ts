import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '@pulse/db';
import { useTestDatabase } from '@pulse/db/testing';
import { makeTenant, type TestTenant } from './harness.js';
import { expectTrpcError, uploadCsv, uploadWorkbook } from './kpi-helpers.js';
import { eventually, webhookReceiver as receiver } from './receivers.js';
import { evaluateAllTenants, queueWorkers } from '../src/domain/jobs.js';
import { startQueue, type JobQueue } from '../src/queue.js';

const handle = useTestDatabase();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function deliveringQueue(db = handle.app): Promise<JobQueue> {
  const queue = await startQueue({ db, jobs: [], workers: queueWorkers(null), pollingIntervalSeconds: 0.5 });
  cleanups.push(() => queue.stop());
  return queue;
}

let acme: TestTenant;
let globex: TestTenant;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
  // Retries after about a second instead of 30 s (pg-boss reads the queue's policy when a job is sent).
  await sql`UPDATE pgboss.queue SET retry_delay = 1, retry_limit = 3 WHERE name = 'webhooks.deliver'`.execute(handle.db);
  await sql`DELETE FROM pgboss.job WHERE name = 'webhooks.deliver'`.execute(handle.db);
});

const ALL = ['account.tier_changed', 'recommendation.fired', 'task.overdue', 'upload.rejected'] as const;

describe('webhooks', () => {
  it('are created by admins with a secret shown once, validated (http/https only), listed, updated and deleted', async () => {
    const { id, secret } = await acme.asAdmin.webhooks.create({ url: 'https://hooks.example.com/pulse', events: ['upload.rejected'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const list = await acme.asAdmin.webhooks.list({});
    expect(JSON.stringify(list)).not.toContain(secret);
    expect(list.items).toEqual([
      expect.objectContaining({ id, url: 'https://hooks.example.com/pulse', events: ['upload.rejected'], format: 'json', active: true }),
    ]);

    for (const bad of ['ftp://example.com/x', 'not a url', 'javascript:alert(1)']) {
      const error = await expectTrpcError(acme.asAdmin.webhooks.create({ url: bad, events: ['upload.rejected'] }), 'BAD_REQUEST');
      expect(JSON.stringify(error.cause)).toContain('Give a full http:// or https:// address.');
    }
    await expectTrpcError(acme.asAdmin.webhooks.create({ url: 'https://x.example', events: [] }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.webhooks.list({}), 'FORBIDDEN');

    expect(await acme.asAdmin.webhooks.update({ id, format: 'slack', events: [...ALL] })).toMatchObject({ format: 'slack', events: [...ALL] });
    await expectTrpcError(globex.asAdmin.webhooks.update({ id, active: false }), 'NOT_FOUND', 'Webhook not found.');
    await expectTrpcError(globex.asAdmin.webhooks.deliveries({ webhookId: id }), 'NOT_FOUND', 'Webhook not found.');
    await expectTrpcError(globex.asAdmin.webhooks.delete({ id }), 'NOT_FOUND');
    expect(await acme.asAdmin.webhooks.delete({ id })).toEqual({ id });
    expect((await acme.asAdmin.webhooks.list({})).items).toEqual([]);
  });

  it('delivers a tier change and a rejected upload within seconds, signed with X-Pulse-Timestamp and X-Pulse-Signature', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { id, secret } = await acme.asAdmin.webhooks.create({ url: hook.url, events: ['account.tier_changed', 'upload.rejected'] });
    await globex.asAdmin.webhooks.create({ url: hook.url, events: [...ALL] });
    await deliveringQueue();

    const { report } = await uploadWorkbook(acme.asAdmin, 'automotive_solutions_kpis.xlsx', '2026-03');
    expect(report.status).toBe('accepted');
    await uploadCsv(acme.asAdmin, [['Acme Co', 'not-a-period', 'Support', 'CSAT', '4', 'High']]);
    await eventually(
      () => hook.received,
      (r) => r.length >= 2,
      30_000,
    );

    const bodies = hook.received.map((r) => JSON.parse(r.body) as { id: string; event: string; data: Record<string, unknown>; summary: string });
    expect(bodies.map((b) => b.event).sort()).toEqual(['account.tier_changed', 'upload.rejected']);
    const tier = bodies.find((b) => b.event === 'account.tier_changed');
    expect(tier?.data).toMatchObject({ accountName: 'Automotive Solutions', previousTier: 'unknown', period: '2026-03' });
    for (const r of hook.received) {
      const timestamp = String(r.headers['x-pulse-timestamp']);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(120);
      const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
      expect(r.headers['x-pulse-signature']).toBe(expected);
    }
    // The attempt is recorded just after the receiver answers.
    const log = await eventually(
      () => acme.asAdmin.webhooks.deliveries({ webhookId: id }),
      (l) => l.items.every((d) => d.status === 'delivered'),
      30_000,
    );
    expect(log.items.map((d) => [d.status, d.attempts, d.responseCode])).toEqual([
      ['delivered', 1, 200],
      ['delivered', 1, 200],
    ]);
  }, 120_000);

  it('retries with backoff while the receiver is down, logs each attempt, delivers once it is back, and resends on request', async () => {
    const hook = await receiver([503, 503]);
    cleanups.push(hook.close);
    const { id } = await acme.asAdmin.webhooks.create({ url: hook.url, events: ['upload.rejected'], format: 'slack' });
    await uploadCsv(acme.asAdmin, [['Acme Co', 'not-a-period', 'Support', 'CSAT', '4', 'High']]);
    const [pending] = (await acme.asAdmin.webhooks.deliveries({ webhookId: id })).items;
    expect(pending).toMatchObject({ status: 'pending', attempts: 0 });

    await deliveringQueue();
    const log = await eventually(
      () => acme.asAdmin.webhooks.deliveries({ webhookId: id }),
      (l) => l.items[0]?.status === 'delivered',
      60_000,
    );
    expect(log.items[0]).toMatchObject({ status: 'delivered', attempts: 3, responseCode: 200, lastError: null });
    expect(hook.received).toHaveLength(3);
    expect(JSON.parse(hook.received[2]?.body ?? '{}')).toEqual({ text: expect.stringMatching(/^Pulse: The upload .* was rejected/) });

    const deliveryId = log.items[0]?.id as string;
    await expectTrpcError(globex.asAdmin.webhooks.resend({ deliveryId }), 'NOT_FOUND', 'Delivery not found.');
    await acme.asAdmin.webhooks.resend({ deliveryId });
    const again = await eventually(
      () => acme.asAdmin.webhooks.deliveries({ webhookId: id }),
      (l) => l.items[0]?.attempts === 4,
      30_000,
    );
    expect(again.items[0]).toMatchObject({ status: 'delivered', attempts: 4 });
    expect(hook.received).toHaveLength(4);
  }, 120_000);

  it('marks a delivery failed after its last retry', async () => {
    const hook = await receiver([500, 500, 500, 500]);
    cleanups.push(hook.close);
    const { id } = await acme.asAdmin.webhooks.create({ url: hook.url, events: ['upload.rejected'] });
    await uploadCsv(acme.asAdmin, [['Acme Co', 'not-a-period', 'Support', 'CSAT', '4', 'High']]);
    await deliveringQueue();
    const log = await eventually(
      () => acme.asAdmin.webhooks.deliveries({ webhookId: id }),
      (l) => l.items[0]?.status === 'failed',
      90_000,
    );
    // retry_limit 3: the first attempt and three retries.
    expect(log.items[0]).toMatchObject({ status: 'failed', attempts: 4, responseCode: 500, lastError: 'The receiver answered HTTP 500.' });
  }, 120_000);

  it('two instances never send one delivery twice', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    await acme.asAdmin.webhooks.create({ url: hook.url, events: ['upload.rejected'] });
    for (let i = 0; i < 4; i++) await uploadCsv(acme.asAdmin, [['Acme Co', `bad-${i}`, 'Support', 'CSAT', '4', 'High']]);
    const second = handle.url ? await connect({ url: handle.url, poolSize: 4, role: 'pulse_app' }) : null;
    if (second) cleanups.push(() => second.close());
    await deliveringQueue();
    await deliveringQueue(second?.db ?? handle.app);
    await eventually(
      () => hook.received,
      (r) => r.length >= 4,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const ids = hook.received.map((r) => r.headers['x-pulse-delivery']);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  }, 120_000);

  it("announces a new recommendation once, and each overdue task (a playbook step's too) once, from the daily run", async () => {
    const { id } = await acme.asAdmin.webhooks.create({ url: 'http://127.0.0.1:9/never-called', events: ['recommendation.fired', 'task.overdue'] });
    const soon = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const account = await acme.asAdmin.accounts.create({ name: 'Renews Soon', renewalDate: soon });
    await acme.asAdmin.playbooks.evaluate();
    await acme.asAdmin.playbooks.evaluate();
    const execution = await acme.asAdmin.playbooks.start({ accountId: account.id, playbookKey: 'voc_sprint' });
    const manual = await acme.asAdmin.tasks.create({ accountId: account.id, title: 'Send the survey', dueDate: '2026-05-29' });
    await acme.asAdmin.tasks.create({ accountId: account.id, title: 'Due on the day', dueDate: '2026-06-01' });
    const done = await acme.asAdmin.tasks.create({ accountId: account.id, title: 'Done already', dueDate: '2026-05-20' });
    await acme.asAdmin.tasks.complete({ id: done.id });
    const stepTasks = await acme.asAdmin.tasks.list({ accountId: account.id, limit: 100 });
    const firstStep = stepTasks.items.find((t) => t.playbookStep?.stepId === execution.steps[0]?.id);
    expect(firstStep).toBeDefined();
    await acme.asAdmin.tasks.update({ id: firstStep!.id, dueDate: '2026-05-31' });
    // On 2026-06-01 the open tasks due before that day are overdue: the manual one and the first step's.
    const today = new Date('2026-06-01T00:05:00Z');
    const run = () => evaluateAllTenants(handle.app, today);
    await run();
    await run();
    await evaluateAllTenants(handle.app, new Date('2026-06-02T00:05:00Z'));

    const log = await acme.asAdmin.webhooks.deliveries({ webhookId: id, limit: 100 });
    const events = log.items.map((d) => d.event);
    expect(events.filter((e) => e === 'recommendation.fired')).toHaveLength(1);
    const overdue = log.items.filter((d) => d.event === 'task.overdue').map((d) => d.payload.data as { title: string; dueDate: string });
    expect(overdue.map((d) => [d.title, d.dueDate]).sort()).toEqual([
      ['Due on the day', '2026-06-01'],
      ['Send the survey', '2026-05-29'],
      [firstStep!.title, '2026-05-31'],
    ]);
    expect(overdue.find((d) => d.title === 'Send the survey')).toMatchObject({ taskId: manual.id, accountName: 'Renews Soon' });
    expect(log.items.find((d) => d.event === 'recommendation.fired')?.payload).toMatchObject({
      data: { accountName: 'Renews Soon', playbookKey: 'renewal_safeguard' },
    });
  });
});
