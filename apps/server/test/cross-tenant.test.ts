import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@pulse/api';
import { HttpClient, registerTenant, startTestServer, type TestServer } from './harness.js';

/**
 * The cross-tenant matrix: every procedure of the router, called as tenant A with tenant
 * B's ids and with forged tenant/user headers. Procedures that take an id must answer
 * NOT_FOUND; lists and summaries must not contain any of B's ids or names; and none of B's
 * rows may change. A procedure added to the router without a case here fails the test.
 */

type Case = { kind: 'id'; input: (b: BIds) => unknown } | { kind: 'scoped'; input: (b: BIds) => unknown } | { kind: 'none'; reason: string };

interface BIds {
  tenantId: string;
  adminId: string;
  memberId: string;
  accountId: string;
  accountName: string;
  uploadId: string;
  productId: string;
  executionId: string;
  stepId: string;
  triggerId: string;
  taskId: string;
  tokenId: string;
  webhookId: string;
  deliveryId: string;
  viewId: string;
  segmentId: string;
}

const NO_IDS = 'takes no tenant data ids; the session decides what it touches (covered by auth and upload tests)';

const cases: Record<string, Case> = {
  'auth.register': { kind: 'none', reason: 'creates a new tenant; never touches an existing one' },
  'auth.login': { kind: 'none', reason: NO_IDS },
  'auth.logout': { kind: 'none', reason: NO_IDS },
  'auth.me': { kind: 'scoped', input: () => undefined },
  'session.status': { kind: 'scoped', input: () => undefined },
  'session.refresh': { kind: 'none', reason: NO_IDS },
  'accounts.list': { kind: 'scoped', input: (b) => ({ search: b.accountName }) },
  'accounts.byId': { kind: 'id', input: (b) => ({ id: b.accountId }) },
  'accounts.create': { kind: 'scoped', input: (b) => ({ name: b.accountName }) },
  'accounts.update': { kind: 'id', input: (b) => ({ id: b.accountId, name: 'Hijacked' }) },
  'accounts.archive': { kind: 'id', input: (b) => ({ id: b.accountId }) },
  'accounts.products': { kind: 'id', input: (b) => ({ accountId: b.accountId }) },
  'accounts.addProduct': { kind: 'id', input: (b) => ({ accountId: b.accountId, name: 'Injected' }) },
  'accounts.assignOwner': { kind: 'id', input: (b) => ({ accountIds: [b.accountId], userId: null }) },
  'accounts.unmatchedOwners': { kind: 'scoped', input: () => ({}) },
  'accounts.resolveOwner': { kind: 'id', input: (b) => ({ csmOwner: 'Beta Owner', userId: b.memberId }) },
  'tasks.list': { kind: 'scoped', input: (b) => ({ accountId: b.accountId, assignee: null }) },
  'tasks.counts': { kind: 'scoped', input: () => ({ assignee: null }) },
  'tasks.byId': { kind: 'id', input: (b) => ({ id: b.taskId }) },
  'tasks.create': { kind: 'id', input: (b) => ({ accountId: b.accountId, title: 'Injected', dueDate: '2026-12-24' }) },
  'tasks.update': { kind: 'id', input: (b) => ({ id: b.taskId, title: 'Hijacked' }) },
  'tasks.complete': { kind: 'id', input: (b) => ({ id: b.taskId, note: 'done' }) },
  'renewals.list': { kind: 'scoped', input: () => ({ withinDays: 120 }) },
  'renewals.recordOutcome': { kind: 'id', input: (b) => ({ accountId: b.accountId, outcome: 'renewed' }) },
  'renewals.history': { kind: 'id', input: (b) => ({ accountId: b.accountId }) },
  'accounts.importProfiles': { kind: 'none', reason: 'multipart; matches accounts by name inside the caller tenant (profiles tests)' },
  'uploads.create': { kind: 'none', reason: 'multipart; creates or matches accounts by name inside the caller tenant (upload tests)' },
  'uploads.list': { kind: 'scoped', input: (b) => ({ accountId: b.accountId }) },
  'uploads.byId': { kind: 'id', input: (b) => ({ id: b.uploadId }) },
  'kpis.list': { kind: 'scoped', input: (b) => ({ accountId: b.accountId }) },
  'kpis.trend': { kind: 'id', input: (b) => ({ accountId: b.accountId, kpi: 'Customer Retention Rate' }) },
  'health.account': { kind: 'id', input: (b) => ({ accountId: b.accountId }) },
  'health.explain': { kind: 'id', input: (b) => ({ accountId: b.accountId }) },
  'health.products': { kind: 'id', input: (b) => ({ accountId: b.accountId }) },
  'health.summary': { kind: 'scoped', input: () => undefined },
  'health.trend': { kind: 'id', input: (b) => ({ accountId: b.accountId }) },
  'health.trends': { kind: 'id', input: (b) => ({ accountIds: [b.accountId] }) },
  'ranges.list': { kind: 'scoped', input: () => undefined },
  'ranges.update': {
    kind: 'scoped',
    input: () => ({ kpi: 'Net Promoter Score (NPS)', higherIsBetter: true, scaleMin: -100, riskThreshold: 0, healthyThreshold: 30, scaleMax: 100 }),
  },
  'ranges.reset': { kind: 'scoped', input: () => ({ all: true }) },
  'ranges.settings': { kind: 'scoped', input: () => undefined },
  'ranges.updateSettings': {
    kind: 'scoped',
    input: () => ({ categoryWeights: { 'Product Usage': 50, Support: 50 }, tiers: { healthy: 70, atRisk: 50 } }),
  },
  'playbooks.catalogue': { kind: 'scoped', input: () => undefined },
  'playbooks.recommendations': { kind: 'scoped', input: (b) => ({ accountId: b.accountId }) },
  'playbooks.evaluate': { kind: 'scoped', input: () => undefined },
  'playbooks.start': { kind: 'id', input: (b) => ({ accountId: b.accountId, playbookKey: 'voc_sprint' }) },
  'playbooks.byId': { kind: 'id', input: (b) => ({ id: b.executionId }) },
  'playbooks.list': { kind: 'scoped', input: (b) => ({ accountId: b.accountId }) },
  'playbooks.completeStep': { kind: 'id', input: (b) => ({ executionId: b.executionId, stepId: b.stepId, note: 'done' }) },
  'playbooks.skipStep': { kind: 'id', input: (b) => ({ executionId: b.executionId, stepId: b.stepId, reason: 'skip' }) },
  'playbooks.pause': { kind: 'id', input: (b) => ({ id: b.executionId }) },
  'playbooks.resume': { kind: 'id', input: (b) => ({ id: b.executionId }) },
  'playbooks.cancel': { kind: 'id', input: (b) => ({ id: b.executionId, reason: 'stop' }) },
  'playbooks.complete': { kind: 'id', input: (b) => ({ id: b.executionId }) },
  'playbooks.report': { kind: 'id', input: (b) => ({ id: b.executionId }) },
  'playbooks.triggers': { kind: 'scoped', input: () => ({}) },
  'playbooks.updateTrigger': { kind: 'id', input: (b) => ({ id: b.triggerId, enabled: false }) },
  'playbooks.previewTrigger': { kind: 'id', input: (b) => ({ id: b.triggerId }) },
  'activity.list': { kind: 'scoped', input: (b) => ({ userId: b.adminId }) },
  'activity.exportCsv': { kind: 'scoped', input: (b) => ({ userId: b.adminId }) },
  'users.list': { kind: 'scoped', input: () => ({}) },
  'users.create': { kind: 'none', reason: 'creates a user in the caller tenant; emails are unique across Pulse (users tests)' },
  'users.updateRole': { kind: 'id', input: (b) => ({ id: b.memberId, role: 'admin' }) },
  'users.setActive': { kind: 'id', input: (b) => ({ id: b.memberId, active: false }) },
  'users.changePassword': { kind: 'none', reason: 'changes the caller own password only (users tests)' },
  'tokens.create': { kind: 'scoped', input: () => ({ name: 'Feed', scope: 'read' }) },
  'tokens.list': { kind: 'scoped', input: () => ({}) },
  'tokens.revoke': { kind: 'id', input: (b) => ({ id: b.tokenId }) },
  'jobs.list': { kind: 'scoped', input: () => undefined },
  'webhooks.create': { kind: 'scoped', input: () => ({ url: 'http://127.0.0.1:9/acme', events: ['upload.rejected'] }) },
  'webhooks.list': { kind: 'scoped', input: () => ({}) },
  'webhooks.update': { kind: 'id', input: (b) => ({ id: b.webhookId, url: 'http://127.0.0.1:9/hijacked' }) },
  'webhooks.delete': { kind: 'id', input: (b) => ({ id: b.webhookId }) },
  'webhooks.deliveries': { kind: 'id', input: (b) => ({ webhookId: b.webhookId }) },
  'webhooks.resend': { kind: 'id', input: (b) => ({ deliveryId: b.deliveryId }) },
  'notifications.preferences': { kind: 'scoped', input: () => undefined },
  'notifications.updatePreferences': { kind: 'scoped', input: () => ({ dailyDigest: false }) },
  'notes.create': { kind: 'id', input: (b) => ({ accountId: b.accountId, kind: 'call', occurredAt: '2026-11-01T10:00:00.000Z', body: 'Injected' }) },
  'notes.search': { kind: 'scoped', input: () => ({ query: 'Beta renewal strategy' }) },
  'timeline.list': { kind: 'id', input: (b) => ({ accountId: b.accountId }) },
  'sentiment.set': { kind: 'id', input: (b) => ({ accountId: b.accountId, period: '2026-03', value: 'green', comment: 'Injected' }) },
  'sentiment.history': { kind: 'id', input: (b) => ({ accountId: b.accountId }) },
  'reports.churnSignal': { kind: 'scoped', input: () => ({ monthsBefore: 3 }) },
  'reports.churnSignalCsv': { kind: 'scoped', input: () => ({ monthsBefore: 3 }) },
  'views.list': { kind: 'scoped', input: () => ({}) },
  'views.save': { kind: 'id', input: (b) => ({ id: b.viewId, name: 'Hijacked', state: { columns: [] } }) },
  'views.delete': { kind: 'id', input: (b) => ({ id: b.viewId }) },
  'views.exportCsv': { kind: 'scoped', input: () => ({ state: { columns: ['owner', 'revenue'] } }) },
  'recompute.status': { kind: 'scoped', input: () => undefined },
  'segments.list': { kind: 'scoped', input: () => undefined },
  'segments.fieldValues': { kind: 'scoped', input: () => undefined },
  'segments.create': { kind: 'scoped', input: () => ({ name: 'Acme segment', rule: {} }) },
  'segments.update': { kind: 'id', input: (b) => ({ id: b.segmentId, name: 'Hijacked', categoryWeights: { Support: 1 } }) },
  'segments.delete': { kind: 'id', input: (b) => ({ id: b.segmentId }) },
};

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation' } }>;
const sample = fs.readFileSync(path.resolve(import.meta.dirname, '../../../packages/db/seed/samples/workbooks/automotive_solutions_kpis.xlsx'));

let app: TestServer;
let a: HttpClient;
let b: BIds;
let bSecrets: string[];

async function data<T>(res: Promise<{ status: number; data: T; body: unknown }>): Promise<T> {
  const r = await res;
  if (r.status !== 200) throw new Error(`setup call failed: ${JSON.stringify(r.body)}`);
  return r.data;
}

async function snapshotOfB(): Promise<string> {
  const { rows: tables } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'tenant_id' AND table_name <> 'sessions' ORDER BY table_name
  `.execute(app.handle.db);
  const parts: unknown[] = [];
  for (const { table_name } of tables) {
    const { rows } = await sql`SELECT * FROM ${sql.table(table_name)} AS t WHERE tenant_id = ${b.tenantId} ORDER BY t::text`.execute(app.handle.db);
    parts.push([table_name, rows]);
  }
  return JSON.stringify(parts);
}

beforeAll(async () => {
  app = await startTestServer();
  const bClient = await registerTenant(app.url, 'Beta Corp', 'boss@beta.test');
  const me = await data(bClient.query<{ id: string; tenant: { id: string } }>('auth.me'));
  const member = await data(
    bClient.mutation<{ id: string }>('users.create', { name: 'Bea', email: 'bea@beta.test', role: 'member', password: 'member password' }),
  );
  const webhook = await data(bClient.mutation<{ id: string }>('webhooks.create', { url: 'http://127.0.0.1:9/beta', events: ['account.tier_changed'] }));
  const form = new FormData();
  form.set('period', '2026-03');
  form.set('file', new File([sample], 'automotive.xlsx'));
  const uploaded = await fetch(`${app.url}/api/trpc/uploads.create`, {
    method: 'POST',
    headers: { cookie: bClient.cookie ?? '', 'x-pulse-client': 'web' },
    body: form,
  });
  const upload = ((await uploaded.json()) as { result: { data: { uploadId: string; report: { accounts: { id: string; name: string }[] } } } }).result.data;
  const account = upload.report.accounts[0] as { id: string; name: string };
  const product = await data(bClient.mutation<{ id: string }>('accounts.addProduct', { accountId: account.id, name: 'Core' }));
  const execution = await data(
    bClient.mutation<{ id: string; steps: { id: string }[] }>('playbooks.start', { accountId: account.id, playbookKey: 'voc_sprint' }),
  );
  const triggers = await data(bClient.query<{ items: { id: string }[] }>('playbooks.triggers', {}));
  const soon = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  await data(bClient.mutation('accounts.update', { id: account.id, renewalDate: soon, revenue: 1000, csmOwner: 'Beta Owner' }));
  const tasks = await data(bClient.query<{ items: { id: string }[] }>('tasks.list', { accountId: account.id }));
  const token = await data(bClient.mutation<{ id: string }>('tokens.create', { name: 'Beta feed', scope: 'read-write' }));
  const deliveries = await data(bClient.query<{ items: { id: string }[] }>('webhooks.deliveries', { webhookId: webhook.id }));
  await data(
    bClient.mutation('notes.create', { accountId: account.id, kind: 'meeting', occurredAt: '2026-11-02T09:00:00.000Z', body: 'Beta renewal strategy' }),
  );
  await data(bClient.mutation('sentiment.set', { accountId: account.id, period: '2026-03', value: 'red', comment: 'Beta sentiment comment' }));
  const view = await data(bClient.mutation<{ id: string }>('views.save', { name: 'Beta view', shared: true, state: { columns: ['owner'] } }));
  await data(bClient.mutation('accounts.update', { id: account.id, region: 'Beta Region' }));
  const segment = await data(bClient.mutation<{ segment: { id: string } }>('segments.create', { name: 'Beta segment', rule: { regions: ['beta region'] } }));
  b = {
    tenantId: me.tenant.id,
    adminId: me.id,
    memberId: member.id,
    accountId: account.id,
    accountName: account.name,
    uploadId: upload.uploadId,
    productId: product.id,
    executionId: execution.id,
    stepId: (execution.steps[0] as { id: string }).id,
    triggerId: (triggers.items[0] as { id: string }).id,
    taskId: (tasks.items[0] as { id: string }).id,
    tokenId: token.id,
    webhookId: webhook.id,
    deliveryId: (deliveries.items[0] as { id: string }).id,
    viewId: view.id,
    segmentId: segment.segment.id,
  };
  // A recompute job of B's in progress (written as the owner, as a worker would): A must not see it.
  const { rows: runs } = await sql<{ id: string }>`
    INSERT INTO recompute_runs (tenant_id, status, kpi_keys, accounts_total, accounts_done) VALUES (${b.tenantId}, 'running', '{churn risk flags triggered}', 9, 4) RETURNING id
  `.execute(app.handle.db);
  bSecrets = [
    (runs[0] as { id: string }).id,
    b.tenantId,
    b.adminId,
    b.memberId,
    b.accountId,
    b.uploadId,
    b.productId,
    b.executionId,
    b.stepId,
    b.triggerId,
    b.tokenId,
    b.webhookId,
    b.deliveryId,
    b.taskId,
    'Beta feed',
    'boss@beta.test',
    'bea@beta.test',
    'Beta Corp',
    'Beta Owner',
    'Beta renewal strategy',
    'Beta sentiment comment',
    b.viewId,
    'Beta view',
    b.segmentId,
    'Beta segment',
    'Beta Region',
  ];
  a = await registerTenant(app.url, 'Acme', 'ada@acme.test');
  a.extraHeaders = { 'x-customer-id': b.tenantId, 'x-tenant-id': b.tenantId, 'x-user-id': b.adminId };
});
afterAll(async () => {
  await app.close();
});

describe('cross-tenant matrix', () => {
  it('has a case for every procedure of the router', () => {
    const missing = Object.keys(procedures).filter((p) => !(p in cases));
    const stale = Object.keys(cases).filter((p) => !(p in procedures));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it("answers NOT_FOUND for B's ids, leaks nothing of B in scoped answers, and changes none of B's rows", async () => {
    const before = await snapshotOfB();
    const outcomes: Record<string, string> = {};
    for (const [procedure, c] of Object.entries(cases)) {
      if (c.kind === 'none') continue;
      const type = procedures[procedure]?._def.type;
      const input = c.input(b);
      const res = type === 'mutation' ? await a.mutation(procedure, input) : await a.query(procedure, input);
      const text = JSON.stringify(res.body);
      const leaked = bSecrets.filter((s) => text.includes(s));
      outcomes[procedure] =
        c.kind === 'id' ? `${res.code ?? res.status}` : leaked.length ? `leaked ${leaked.join(',')}` : res.status === 200 ? 'ok' : `${res.status} ${text}`;
      if (c.kind === 'id') expect(res.body.error?.message, procedure).toMatch(/not found/i);
    }
    const expected = Object.fromEntries(
      Object.entries(cases)
        .filter(([, c]) => c.kind !== 'none')
        .map(([p, c]) => [p, c.kind === 'id' ? 'NOT_FOUND' : 'ok']),
    );
    expect(outcomes).toEqual(expected);
    expect(await snapshotOfB()).toBe(before);
  });

  it("gives B's ids exactly the answer of ids that do not exist", async () => {
    const ghost = '00000000-0000-4000-8000-000000000000';
    for (const [procedure, c] of Object.entries(cases)) {
      if (c.kind !== 'id') continue;
      const type = procedures[procedure]?._def.type;
      const foreign = c.input(b);
      const missing = JSON.parse(JSON.stringify(foreign).replaceAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ghost)) as typeof foreign;
      const call = (input: unknown) => (type === 'mutation' ? a.mutation(procedure, input) : a.query(procedure, input));
      const [x, y] = [await call(foreign), await call(missing)];
      expect({ procedure, status: x.status, message: x.body.error?.message }).toEqual({ procedure, status: y.status, message: y.body.error?.message });
    }
  });
});
