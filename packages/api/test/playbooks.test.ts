import { beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@pulse/db/testing';
import { anonymousCaller, makeTenant, type Caller, type TestTenant } from './harness.js';
import { allPages, expectTrpcError, uploadWorkbook } from './kpi-helpers.js';
import { currentPeriod } from '../src/domain/uploads.js';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
});

const WORKBOOKS = {
  automotive: 'automotive_solutions_kpis.xlsx',
  biotech: 'biotechnology_innovations_kpis.xlsx',
  consulting: 'consulting_partners_kpis.xlsx',
  environmental: 'environmental_services_kpis.xlsx',
  financial: 'financial_services_group_kpis.xlsx',
  manufacturing: 'global_manufacturing_inc_kpis.xlsx',
};

/** Five sample workbooks for March 2026; returns account ids by workbook. */
async function uploadSamples(caller: Caller): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const key of ['automotive', 'biotech', 'consulting', 'financial', 'manufacturing'] as const) {
    const { report } = await uploadWorkbook(caller, WORKBOOKS[key], '2026-03');
    expect(report.status).toBe('accepted');
    ids[key] = (report.accounts[0] as { id: string }).id;
  }
  return ids;
}

async function ranked(caller: Caller, playbookKey: 'voc_sprint' | 'activation_blitz' | 'sla_stabiliser' | 'renewal_safeguard' | 'expansion_timing') {
  return (await caller.playbooks.recommendations({ playbookKey, limit: 100 })).items;
}

function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

async function triggerOf(caller: Caller, description: string) {
  const { items } = await caller.playbooks.triggers({ limit: 100 });
  const trigger = items.find((t) => t.description === description);
  if (!trigger) throw new Error(`no trigger "${description}"`);
  return trigger;
}

describe('catalogue', () => {
  it('lists the five playbooks with purpose, duration, prerequisites, success criteria and ordered steps', async () => {
    const catalogue = await acme.asMember.playbooks.catalogue();
    expect(catalogue.map((p) => [p.key, p.durationDays])).toEqual([
      ['voc_sprint', 30],
      ['activation_blitz', 30],
      ['sla_stabiliser', 14],
      ['renewal_safeguard', 90],
      ['expansion_timing', 60],
    ]);
    for (const p of catalogue) {
      expect(p.purpose.length).toBeGreaterThan(50);
      expect(p.prerequisites.length).toBeGreaterThanOrEqual(3);
      expect(p.successCriteria.length).toBeGreaterThanOrEqual(3);
      expect(p.steps.length).toBeGreaterThanOrEqual(7);
      for (const s of p.steps) expect(s.title && s.guidance).toBeTruthy();
    }
    await expectTrpcError(anonymousCaller(handle.db).playbooks.catalogue(), 'UNAUTHORIZED');
  });
});

describe('triggers', () => {
  it('seeds the default triggers when a tenant registers, keyset-paginated by playbook', async () => {
    const pages = await allPages((cursor) => acme.asMember.playbooks.triggers({ limit: 3, cursor }), 3);
    const triggers = pages.flat();
    expect(pages).toHaveLength(4);
    expect(new Set(triggers.map((t) => t.id)).size).toBe(10);
    expect(triggers.map((t) => `${t.playbookKey}: ${t.description}`).sort()).toEqual([
      'activation_blitz: Onboarding Completion Rate is below 75',
      'activation_blitz: Product Activation Rate is below 70',
      'expansion_timing: Health tier is healthy',
      'expansion_timing: Upsell and Cross-sell Revenue is above 20',
      'renewal_safeguard: Health score is below 50',
      'renewal_safeguard: Renewal is within 90 days',
      'sla_stabiliser: Mean Time to Resolution (MTTR) is above 16',
      'sla_stabiliser: Service Level Agreements (SLAs) compliance is below 80',
      'voc_sprint: Customer Satisfaction (CSAT) is below 3.5',
      'voc_sprint: Health fell by at least 10 points since the previous period',
    ]);
    expect(triggers.every((t) => t.enabled && t.lastFiredAt === null && t.currentAccounts === 0)).toBe(true);
    const sla = await acme.asMember.playbooks.triggers({ limit: 10, playbookKey: 'sla_stabiliser' });
    expect(sla.items.map((t) => t.kind)).toEqual(['kpi_threshold', 'kpi_threshold']);
    const globexIds = (await globex.asAdmin.playbooks.triggers({ limit: 100 })).items.map((t) => t.id);
    expect(globexIds.filter((id) => triggers.some((t) => t.id === id))).toEqual([]);
  });

  it('rejects bad list input', async () => {
    await expectTrpcError(acme.asMember.playbooks.triggers({ limit: 0 }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.triggers({ limit: 10, playbookKey: 'nope' as never }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.triggers({ limit: 10, cursor: 'garbage' }), 'BAD_REQUEST');
  });

  it('lets admins change thresholds and switch triggers off, with before and after in the activity log', async () => {
    const mttr = await triggerOf(acme.asAdmin, 'Mean Time to Resolution (MTTR) is above 16');
    const updated = await acme.asAdmin.playbooks.updateTrigger({
      id: mttr.id,
      params: { kpi: 'mean time to resolution (mttr)', comparison: 'above', value: 18 },
    });
    expect(updated).toMatchObject({ params: { kpi: 'Mean Time to Resolution (MTTR)', value: 18 }, description: 'Mean Time to Resolution (MTTR) is above 18' });
    const off = await acme.asAdmin.playbooks.updateTrigger({ id: mttr.id, enabled: false });
    expect(off.enabled).toBe(false);
    const log = await acme.asAdmin.activity.list({ limit: 10, action: 'playbook_trigger.update' });
    expect(log.items.map((e) => [e.before, e.after])).toEqual([
      [
        { enabled: true, createTask: false, params: { kpi: 'Mean Time to Resolution (MTTR)', comparison: 'above', value: 18 } },
        { enabled: false, createTask: false, params: { kpi: 'Mean Time to Resolution (MTTR)', comparison: 'above', value: 18 } },
      ],
      [
        { enabled: true, createTask: false, params: { kpi: 'Mean Time to Resolution (MTTR)', comparison: 'above', value: 16 } },
        { enabled: true, createTask: false, params: { kpi: 'Mean Time to Resolution (MTTR)', comparison: 'above', value: 18 } },
      ],
    ]);
  });

  it('refuses thresholds of another kind, unknown KPIs and empty changes', async () => {
    const mttr = await triggerOf(acme.asAdmin, 'Mean Time to Resolution (MTTR) is above 16');
    const wrongKind = await expectTrpcError(acme.asAdmin.playbooks.updateTrigger({ id: mttr.id, params: { days: 30 } }), 'BAD_REQUEST');
    expect(wrongKind.message).toBe('These thresholds do not fit a kpi_threshold trigger.');
    const unknownKpi = await expectTrpcError(
      acme.asAdmin.playbooks.updateTrigger({ id: mttr.id, params: { kpi: 'Happiness', comparison: 'below', value: 1 } }),
      'BAD_REQUEST',
      'Unknown KPI.',
    );
    expect(unknownKpi.cause).toMatchObject({ fieldErrors: { 'params.kpi': [expect.stringContaining('Happiness')] } });
    await expectTrpcError(acme.asAdmin.playbooks.updateTrigger({ id: mttr.id }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.playbooks.updateTrigger({ id: mttr.id, params: { points: -5 } }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.playbooks.updateTrigger({ id: 'x', enabled: false }), 'BAD_REQUEST');
    const drop = await triggerOf(acme.asAdmin, 'Health fell by at least 10 points since the previous period');
    await expectTrpcError(acme.asAdmin.playbooks.updateTrigger({ id: drop.id, params: { tiers: ['critical'] } }), 'BAD_REQUEST');
    expect((await triggerOf(acme.asAdmin, 'Mean Time to Resolution (MTTR) is above 16')).enabled).toBe(true);
  });

  it('is for admins only, and another tenant’s trigger is NOT_FOUND like a random id', async () => {
    const mttr = await triggerOf(acme.asAdmin, 'Mean Time to Resolution (MTTR) is above 16');
    await expectTrpcError(acme.asMember.playbooks.updateTrigger({ id: mttr.id, enabled: false }), 'FORBIDDEN');
    const foreign = await expectTrpcError(globex.asAdmin.playbooks.updateTrigger({ id: mttr.id, enabled: false }), 'NOT_FOUND');
    const random = await expectTrpcError(globex.asAdmin.playbooks.updateTrigger({ id: randomUUID(), enabled: false }), 'NOT_FOUND');
    expect(foreign.message).toBe(random.message);
    expect((await triggerOf(acme.asAdmin, 'Mean Time to Resolution (MTTR) is above 16')).enabled).toBe(true);
  });
});

describe('trigger preview', () => {
  it('counts the accounts a trigger would fire for now, with its thresholds or the edited ones, and writes nothing', async () => {
    for (const [name, days] of [
      ['In 10 days', 10],
      ['In 40 days', 40],
      ['In 100 days', 100],
    ] as const) {
      await acme.asAdmin.accounts.create({ name, renewalDate: daysFromNow(days) });
    }
    const renewal = await triggerOf(acme.asAdmin, 'Renewal is within 90 days');
    const activityBefore = (await acme.asAdmin.activity.list({ limit: 100 })).items.length;
    // Renewing in 10 and 40 days are within 90; 100 days is not.
    expect(await acme.asAdmin.playbooks.previewTrigger({ id: renewal.id })).toEqual({
      description: 'Renewal is within 90 days',
      accounts: 2,
      evaluatedAccounts: 3,
    });
    expect((await acme.asAdmin.playbooks.previewTrigger({ id: renewal.id, params: { days: 30 } })).accounts).toBe(1);
    expect((await acme.asAdmin.playbooks.previewTrigger({ id: renewal.id, params: { days: 120 } })).accounts).toBe(3);
    // Nothing was written: no recommendation, no activity, the stored thresholds unchanged.
    expect((await acme.asAdmin.playbooks.recommendations({ limit: 10 })).items).toEqual([]);
    expect((await acme.asAdmin.activity.list({ limit: 100 })).items).toHaveLength(activityBefore);
    expect((await triggerOf(acme.asAdmin, 'Renewal is within 90 days')).params).toEqual({ days: 90 });
    // A disabled trigger previews as if enabled; the evaluation then fires for as many accounts as the preview said.
    await acme.asAdmin.playbooks.updateTrigger({ id: renewal.id, params: { days: 30 }, enabled: false });
    expect((await acme.asAdmin.playbooks.previewTrigger({ id: renewal.id })).accounts).toBe(1);
    await acme.asAdmin.playbooks.updateTrigger({ id: renewal.id, enabled: true });
    const evaluation = await acme.asAdmin.playbooks.evaluate();
    expect(evaluation.fired.find((f) => f.triggerId === renewal.id)?.accounts).toBe(1);
  });

  it('previews, for every default trigger on the sample workbooks, exactly as many accounts as the evaluation fires for', async () => {
    await uploadSamples(acme.asMember);
    await acme.asAdmin.accounts.create({ name: 'Renews soon', renewalDate: daysFromNow(20) });
    const evaluation = await acme.asAdmin.playbooks.evaluate();
    const { items: triggers } = await acme.asAdmin.playbooks.triggers({ limit: 100 });
    expect(triggers).toHaveLength(10);
    const previewed = await Promise.all(triggers.map(async (t) => [t.description, (await acme.asAdmin.playbooks.previewTrigger({ id: t.id })).accounts]));
    const fired = triggers.map((t) => [t.description, evaluation.fired.find((f) => f.triggerId === t.id)?.accounts ?? 0]);
    expect(previewed).toEqual(fired);
    // The comparison means something: several kinds fire on this data, and some triggers do not.
    expect(fired.filter(([, n]) => n !== 0).length).toBeGreaterThan(2);
    expect(fired.some(([, n]) => n === 0)).toBe(true);
  });

  it('refuses members, other tenants’ triggers and thresholds of another kind', async () => {
    const renewal = await triggerOf(acme.asAdmin, 'Renewal is within 90 days');
    await expectTrpcError(acme.asMember.playbooks.previewTrigger({ id: renewal.id }), 'FORBIDDEN');
    await expectTrpcError(anonymousCaller(handle.app).playbooks.previewTrigger({ id: renewal.id }), 'UNAUTHORIZED');
    const foreign = await expectTrpcError(globex.asAdmin.playbooks.previewTrigger({ id: renewal.id }), 'NOT_FOUND');
    const random = await expectTrpcError(globex.asAdmin.playbooks.previewTrigger({ id: randomUUID() }), 'NOT_FOUND');
    expect(foreign.message).toBe(random.message);
    await expectTrpcError(
      acme.asAdmin.playbooks.previewTrigger({ id: renewal.id, params: { points: 5 } }),
      'BAD_REQUEST',
      'These thresholds do not fit a renewal_within trigger.',
    );
    const zero = await expectTrpcError(acme.asAdmin.playbooks.previewTrigger({ id: renewal.id, params: { days: 0 } }), 'BAD_REQUEST');
    expect(zero.cause).toMatchObject({ fieldErrors: { 'params.days': ['Enter 1 or more.'] } });
    await expectTrpcError(acme.asAdmin.playbooks.previewTrigger({ id: 'x' }), 'BAD_REQUEST');
  });
});

describe('evaluation on the sample workbooks', () => {
  it('fires after each upload and ranks accounts by urgency with the thresholds crossed', async () => {
    const ids = await uploadSamples(acme.asMember);
    const summary = (items: Awaited<ReturnType<typeof ranked>>) =>
      items.map((r) => [r.account.name, r.urgency, r.reasons.map((x) => `${x.trigger}: ${x.observed} (by ${x.margin})`)]);

    expect(summary(await ranked(acme.asMember, 'voc_sprint'))).toEqual([
      ['Automotive Solutions', 60, ['Customer Satisfaction (CSAT) is below 3.5: 3 (by 0.5)']],
    ]);
    expect(summary(await ranked(acme.asMember, 'activation_blitz'))).toEqual([
      ['Global Manufacturing Inc', 42.7, ['Onboarding Completion Rate is below 75: 71 (by 4)', 'Product Activation Rate is below 70: 68 (by 2)']],
      ['Consulting Partners', 23.3, ['Product Activation Rate is below 70: 66 (by 4)']],
    ]);
    expect(summary(await ranked(acme.asMember, 'sla_stabiliser'))).toEqual([
      ['Consulting Partners', 63.3, ['Service Level Agreements (SLAs) compliance is below 80: 72 (by 8)']],
      ['Global Manufacturing Inc', 30, ['Service Level Agreements (SLAs) compliance is below 80: 77 (by 3)']],
      ['Automotive Solutions', 25, ['Mean Time to Resolution (MTTR) is above 16: 19 (by 3)']],
    ]);
    expect(summary(await ranked(acme.asMember, 'renewal_safeguard')).sort()).toEqual([
      ['Automotive Solutions', 12.1, ['Health score is below 50: 47.9 (by 2.1)']],
      ['Global Manufacturing Inc', 12.1, ['Health score is below 50: 47.9 (by 2.1)']],
    ]);
    expect((await ranked(acme.asMember, 'renewal_safeguard')).map((r) => r.urgencyReasons)).toEqual([
      ['health 2.1 points below 50'],
      ['health 2.1 points below 50'],
    ]);
    expect((await ranked(acme.asMember, 'sla_stabiliser')).at(-1)?.urgencyReasons).toEqual(['Mean Time to Resolution (MTTR) is above 16, by 3 hours']);
    expect(summary(await ranked(acme.asMember, 'expansion_timing'))).toEqual([
      ['Financial Services Group', 50, ['Upsell and Cross-sell Revenue is above 20: 26 (by 6)']],
      ['Consulting Partners', 23.3, ['Upsell and Cross-sell Revenue is above 20: 22 (by 2)']],
    ]);
    const all = await acme.asMember.playbooks.recommendations({ limit: 100 });
    expect(all.items.map((r) => r.account.id)).not.toContain(ids.biotech);
    expect(all.items.map((r) => r.urgency)).toEqual([...all.items.map((r) => r.urgency)].sort((a, b) => b - a));

    const [csat] = (await ranked(acme.asMember, 'voc_sprint'))[0]?.reasons ?? [];
    expect(csat).toMatchObject({
      kind: 'kpi_threshold',
      message: 'Customer Satisfaction (CSAT) is 3 in 2026-03, below 3.5 by 0.5.',
      observed: 3,
      threshold: 3.5,
      margin: 0.5,
      unit: 'score',
      severity: 60,
    });
    const sla = await ranked(acme.asMember, 'sla_stabiliser');
    expect(sla[0]?.reasons[0]?.message).toBe('Service Level Agreements (SLAs) compliance is 72% in 2026-03, below 80% by 8 points.');
    expect(sla[2]?.reasons[0]?.message).toBe('Mean Time to Resolution (MTTR) is 19 hours in 2026-03, above 16 hours by 3 hours.');

    const triggers = (await acme.asMember.playbooks.triggers({ limit: 100 })).items;
    const fired = Object.fromEntries(triggers.map((t) => [t.description, [t.lastFiredAt !== null, t.currentAccounts]]));
    expect(fired).toEqual({
      'Customer Satisfaction (CSAT) is below 3.5': [true, 1],
      'Health fell by at least 10 points since the previous period': [false, 0],
      'Product Activation Rate is below 70': [true, 2],
      'Onboarding Completion Rate is below 75': [true, 1],
      'Service Level Agreements (SLAs) compliance is below 80': [true, 2],
      'Mean Time to Resolution (MTTR) is above 16': [true, 1],
      'Renewal is within 90 days': [false, 0],
      'Health score is below 50': [true, 2],
      'Health tier is healthy': [false, 0],
      'Upsell and Cross-sell Revenue is above 20': [true, 2],
    });
    const evaluations = await acme.asAdmin.activity.list({ limit: 10, action: 'playbook.evaluate' });
    expect(evaluations.items).toHaveLength(5);
    expect(evaluations.items[0]?.after).toMatchObject({ evaluatedAccounts: 1 });
    expect((await globex.asAdmin.playbooks.recommendations({ limit: 100 })).items).toEqual([]);
  });

  it('fires the health-drop trigger when a later period scores lower, and retires it when health recovers', async () => {
    await uploadWorkbook(acme.asMember, WORKBOOKS.biotech, '2026-02', { accountName: 'Northstar' });
    expect(await ranked(acme.asMember, 'voc_sprint')).toEqual([]);
    await uploadWorkbook(acme.asMember, WORKBOOKS.environmental, '2026-03', { accountName: 'Northstar' });
    const [northstar] = await ranked(acme.asMember, 'voc_sprint');
    expect(northstar?.account.name).toBe('Northstar');
    expect(northstar?.reasons.map((r) => r.message)).toEqual([
      'Customer Satisfaction (CSAT) is 3.2 in 2026-03, below 3.5 by 0.3.',
      'Health fell 20.4 points, from 67.5 in 2026-02 to 47.1 in 2026-03 (trigger: 10).',
    ]);
    expect(northstar?.reasons[1]).toMatchObject({ kind: 'health_drop', observed: 20.4, threshold: 10, margin: 10.4, severity: 20.4 });
    expect(northstar?.urgency).toBe(60.4);
    // Most severe first: the CSAT reason weighs 60.4 − 20.4 = 40, the drop 20.4.
    expect(northstar?.urgencyReasons).toEqual(['Customer Satisfaction (CSAT) is below 3.5, by 0.3', 'health fell 20.4 points in a period']);

    await uploadWorkbook(acme.asMember, WORKBOOKS.biotech, '2026-04', { accountName: 'Northstar' });
    expect(await ranked(acme.asMember, 'voc_sprint')).toEqual([]);
    const stored = await handle.db.selectFrom('playbook_recommendations').select('id').where('tenant_id', '=', acme.tenant.id).execute();
    expect(stored).toEqual([]);
  });

  it('evaluates renewal windows on demand, and disabled triggers never fire', async () => {
    const soon = await acme.asAdmin.accounts.create({ name: 'Renews Soon', renewalDate: daysFromNow(30) });
    await acme.asAdmin.accounts.create({ name: 'Renews Later', renewalDate: daysFromNow(120) });
    await acme.asAdmin.accounts.create({ name: 'Renewed Already', renewalDate: daysFromNow(-3) });
    expect(await ranked(acme.asMember, 'renewal_safeguard')).toEqual([]);

    const result = await acme.asMember.playbooks.evaluate();
    expect(result).toMatchObject({ evaluatedAccounts: 3, recommendations: 1, fired: [{ playbookKey: 'renewal_safeguard', accounts: 1 }] });
    const [rec] = await ranked(acme.asMember, 'renewal_safeguard');
    expect(rec).toMatchObject({ account: { id: soon.id, renewalDate: daysFromNow(30) }, urgency: 76.7 });
    expect(rec?.reasons[0]?.message).toBe(`Renews on ${daysFromNow(30)}, in 30 days (window: 90 days).`);
    expect(rec?.urgencyReasons).toEqual(['renews in 30 days']);

    const renewal = await triggerOf(acme.asAdmin, 'Renewal is within 90 days');
    await acme.asAdmin.playbooks.updateTrigger({ id: renewal.id, enabled: false });
    expect(await acme.asMember.playbooks.evaluate()).toMatchObject({ recommendations: 0, fired: [] });
    expect(await ranked(acme.asMember, 'renewal_safeguard')).toEqual([]);
    await acme.asAdmin.playbooks.updateTrigger({ id: renewal.id, enabled: true, params: { days: 200 } });
    await acme.asMember.playbooks.evaluate();
    expect((await ranked(acme.asMember, 'renewal_safeguard')).map((r) => r.account.name)).toEqual(['Renews Soon', 'Renews Later']);
    await expectTrpcError(anonymousCaller(handle.db).playbooks.evaluate(), 'UNAUTHORIZED');
  });

  it('pages recommendations by urgency and filters them by account; bad input is refused', async () => {
    const ids = await uploadSamples(acme.asMember);
    const all = (await acme.asMember.playbooks.recommendations({ limit: 100 })).items;
    expect(all).toHaveLength(10);
    const pages = await allPages((cursor) => acme.asMember.playbooks.recommendations({ limit: 3, cursor }), 3);
    expect(pages.flat().map((r) => r.id)).toEqual(all.map((r) => r.id));
    const consulting = await acme.asMember.playbooks.recommendations({ limit: 100, accountId: ids.consulting });
    expect(consulting.items.map((r) => [r.playbookKey, r.urgency]).sort()).toEqual([
      ['activation_blitz', 23.3],
      ['expansion_timing', 23.3],
      ['sla_stabiliser', 63.3],
    ]);
    expect(consulting.items[0]?.playbookKey).toBe('sla_stabiliser');
    expect((await globex.asMember.playbooks.recommendations({ limit: 100, accountId: ids.consulting })).items).toEqual([]);
    await expectTrpcError(acme.asMember.playbooks.recommendations({ limit: 101 }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.recommendations({ limit: 10, accountId: 'nope' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.recommendations({ limit: 10, playbookKey: 'churn' as never }), 'BAD_REQUEST');
  });
});

describe('executions', () => {
  it('runs a playbook started from a recommendation: steps, pause, resume, completion and the audit trail', async () => {
    const ids = await uploadSamples(acme.asMember);
    const [rec] = await ranked(acme.asMember, 'sla_stabiliser');
    expect(rec?.account.id).toBe(ids.consulting);

    const started = await acme.asAdmin.playbooks.start({ accountId: ids.consulting as string, playbookKey: 'sla_stabiliser', recommendationId: rec?.id });
    expect(started).toMatchObject({
      status: 'active',
      recommendationId: rec?.id,
      account: { id: ids.consulting, name: 'Consulting Partners' },
      playbook: { key: 'sla_stabiliser', name: 'SLA stabiliser', durationDays: 14 },
      startedBy: { id: acme.admin.id },
      endedAt: null,
      progress: { total: 7, done: 0, skipped: 0, pending: 7, percent: 0 },
    });
    expect(started.healthAtStart).toBeCloseTo(50.37, 2);
    // Completing needs every step resolved, so it is not offered yet.
    expect(started.allowedActions).toEqual(['pause', 'cancel', 'resolveSteps']);
    expect(started.dueAt.getTime() - started.startedAt.getTime()).toBe(14 * 86_400_000);
    expect(started.steps.map((s) => [s.position, s.status])).toEqual([1, 2, 3, 4, 5, 6, 7].map((p) => [p, 'pending']));
    expect(started.steps[0]).toMatchObject({ title: 'Triage the backlog', guidance: expect.stringContaining('day one') });
    expect((await ranked(acme.asMember, 'sla_stabiliser')).map((r) => r.account.id)).not.toContain(ids.consulting);

    const again = await expectTrpcError(acme.asMember.playbooks.start({ accountId: ids.consulting as string, playbookKey: 'sla_stabiliser' }), 'CONFLICT');
    expect(again.message).toBe('Consulting Partners is already running the SLA stabiliser playbook; finish or cancel it first.');

    const [s1, s2, ...rest] = started.steps.map((s) => s.id);
    const afterStep = await acme.asMember.playbooks.completeStep({
      executionId: started.id,
      stepId: s1 as string,
      note: '14 tickets past SLA',
      outcome: 'Backlog listed',
    });
    expect(afterStep.steps[0]).toMatchObject({ status: 'done', note: '14 tickets past SLA', outcome: 'Backlog listed', completedBy: { id: acme.member.id } });
    const skipped = await acme.asMember.playbooks.skipStep({ executionId: started.id, stepId: s2 as string, reason: 'Sponsor already informed' });
    expect(skipped.steps[1]).toMatchObject({ status: 'skipped', note: 'Sponsor already informed', outcome: null });
    expect(skipped.progress).toEqual({ total: 7, done: 1, skipped: 1, pending: 5, percent: 29 });
    await expectTrpcError(
      acme.asMember.playbooks.completeStep({ executionId: started.id, stepId: s1 as string, note: 'again' }),
      'CONFLICT',
      'Step 1 is already done.',
    );

    const paused = await acme.asMember.playbooks.pause({ id: started.id, reason: 'Customer freeze week' });
    expect(paused).toMatchObject({ status: 'paused', allowedActions: ['resume', 'cancel'] });
    await expectTrpcError(
      acme.asMember.playbooks.completeStep({ executionId: started.id, stepId: rest[0] as string, note: 'x' }),
      'CONFLICT',
      'This playbook is paused; resume it before working on its steps.',
    );
    await expectTrpcError(acme.asMember.playbooks.pause({ id: started.id }), 'CONFLICT', 'This playbook is paused and cannot be paused.');
    await expectTrpcError(
      acme.asMember.playbooks.complete({ id: started.id }),
      'CONFLICT',
      'This playbook is paused and cannot be completed; resume it first.',
    );
    expect(await acme.asMember.playbooks.resume({ id: started.id })).toMatchObject({ status: 'active', allowedActions: ['pause', 'cancel', 'resolveSteps'] });
    await expectTrpcError(acme.asMember.playbooks.resume({ id: started.id }), 'CONFLICT', 'This playbook is active and cannot be resumed.');
    await expectTrpcError(acme.asMember.playbooks.complete({ id: started.id }), 'CONFLICT', '5 steps are still open; complete or skip them first.');

    for (const stepId of rest) await acme.asAdmin.playbooks.completeStep({ executionId: started.id, stepId, note: 'Done as planned' });
    expect((await acme.asMember.playbooks.byId({ id: started.id })).allowedActions).toEqual(['pause', 'cancel', 'complete', 'resolveSteps']);
    const done = await acme.asAdmin.playbooks.complete({ id: started.id, summary: 'SLA back at 97% over the last 7 days.' });
    expect(done).toMatchObject({ status: 'completed', closingNote: 'SLA back at 97% over the last 7 days.', progress: { percent: 100 }, allowedActions: [] });
    expect(done.endedAt).toBeInstanceOf(Date);
    await expectTrpcError(acme.asAdmin.playbooks.cancel({ id: started.id, reason: 'late' }), 'CONFLICT', 'This playbook is completed and cannot be cancelled.');
    expect(done.audit.map((a) => [a.action, a.user?.id])).toEqual([
      ['playbook.start', acme.admin.id],
      ['playbook.step_complete', acme.member.id],
      ['playbook.step_skip', acme.member.id],
      ['playbook.pause', acme.member.id],
      ['playbook.resume', acme.member.id],
      ...rest.map(() => ['playbook.step_complete', acme.admin.id]),
      ['playbook.complete', acme.admin.id],
    ]);
    expect(done.audit[3]?.details).toEqual({ status: 'paused', note: 'Customer freeze week' });

    expect((await ranked(acme.asMember, 'sla_stabiliser')).map((r) => r.account.id)).not.toContain(ids.consulting);
    await acme.asMember.playbooks.evaluate();
    expect((await acme.asMember.playbooks.byId({ id: started.id })).recommendationId).toBe(rec?.id);
    const [fresh] = await ranked(acme.asMember, 'sla_stabiliser');
    expect(fresh).toMatchObject({ account: { id: ids.consulting } });
    expect(fresh?.id).not.toBe(rec?.id);
    const restarted = await acme.asMember.playbooks.start({ accountId: ids.consulting as string, playbookKey: 'sla_stabiliser' });
    expect(restarted.id).not.toBe(started.id);
    const cancelled = await acme.asMember.playbooks.cancel({ id: restarted.id, reason: 'Handled in the renewal playbook instead' });
    expect(cancelled).toMatchObject({ status: 'cancelled', closingNote: 'Handled in the renewal playbook instead', allowedActions: [] });
  });

  it('refuses bad starts: unknown playbooks, mismatched recommendations, archived accounts', async () => {
    const ids = await uploadSamples(acme.asMember);
    const [voc] = await ranked(acme.asMember, 'voc_sprint');
    await expectTrpcError(acme.asMember.playbooks.start({ accountId: ids.automotive as string, playbookKey: 'churn_blitz' as never }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.start({ accountId: 'automotive', playbookKey: 'voc_sprint' }), 'BAD_REQUEST');
    await expectTrpcError(
      acme.asMember.playbooks.start({ accountId: ids.automotive as string, playbookKey: 'sla_stabiliser', recommendationId: voc?.id }),
      'BAD_REQUEST',
      'This recommendation is for another account or playbook.',
    );
    await acme.asAdmin.accounts.archive({ id: ids.biotech as string });
    await expectTrpcError(
      acme.asMember.playbooks.start({ accountId: ids.biotech as string, playbookKey: 'voc_sprint' }),
      'CONFLICT',
      'Biotechnology Innovations is archived; restore it before starting a playbook.',
    );
    expect((await acme.asMember.playbooks.list({ limit: 10 })).items).toEqual([]);
  });

  it('lists executions newest first with keyset pages and filters', async () => {
    const ids = await uploadSamples(acme.asMember);
    const started = [];
    for (const [account, playbookKey] of [
      ['automotive', 'voc_sprint'],
      ['automotive', 'sla_stabiliser'],
      ['consulting', 'activation_blitz'],
      ['manufacturing', 'renewal_safeguard'],
      ['financial', 'expansion_timing'],
    ] as const) {
      started.push(await acme.asMember.playbooks.start({ accountId: ids[account] as string, playbookKey }));
    }
    await acme.asMember.playbooks.pause({ id: (started[1] as { id: string }).id });
    const pages = await allPages((cursor) => acme.asMember.playbooks.list({ limit: 2, cursor }), 2);
    expect(pages).toHaveLength(3);
    expect(pages.flat().map((e) => e.id)).toEqual(started.map((e) => e.id).reverse());
    expect((await acme.asMember.playbooks.list({ limit: 10, accountId: ids.automotive })).items.map((e) => e.playbook.key)).toEqual([
      'sla_stabiliser',
      'voc_sprint',
    ]);
    expect((await acme.asMember.playbooks.list({ limit: 10, status: 'paused' })).items.map((e) => e.id)).toEqual([started[1]?.id]);
    expect((await acme.asMember.playbooks.list({ limit: 10, playbookKey: 'expansion_timing' })).items.map((e) => e.account.name)).toEqual([
      'Financial Services Group',
    ]);
    expect((await acme.asMember.playbooks.list({ limit: 10 })).items[0]?.progress).toEqual({ total: 7, done: 0, skipped: 0, pending: 7, percent: 0 });
    expect((await globex.asMember.playbooks.list({ limit: 10 })).items).toEqual([]);
    expect((await globex.asMember.playbooks.list({ limit: 10, accountId: ids.automotive })).items).toEqual([]);
    await expectTrpcError(acme.asMember.playbooks.list({ limit: 0 }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.list({ limit: 10, status: 'running' as never }), 'BAD_REQUEST');
  });

  it('gives another tenant NOT_FOUND for every execution, step and recommendation id, exactly like a random id', async () => {
    const ids = await uploadSamples(acme.asMember);
    const [rec] = await ranked(acme.asMember, 'voc_sprint');
    const e = await acme.asMember.playbooks.start({ accountId: ids.automotive as string, playbookKey: 'voc_sprint', recommendationId: rec?.id });
    const stepId = e.steps[0]?.id as string;
    const b = globex.asAdmin;
    const globexAccount = await b.accounts.create({ name: 'Globex One' });
    const pairs: [string, (id: string) => Promise<unknown>][] = [
      ['byId', (id) => b.playbooks.byId({ id })],
      ['report', (id) => b.playbooks.report({ id })],
      ['completeStep', (id) => b.playbooks.completeStep({ executionId: id, stepId, note: 'x' })],
      ['skipStep', (id) => b.playbooks.skipStep({ executionId: id, stepId, reason: 'x' })],
      ['pause', (id) => b.playbooks.pause({ id })],
      ['resume', (id) => b.playbooks.resume({ id })],
      ['cancel', (id) => b.playbooks.cancel({ id, reason: 'x' })],
      ['complete', (id) => b.playbooks.complete({ id })],
      ['start (account)', (id) => b.playbooks.start({ accountId: id === e.id ? (ids.automotive as string) : id, playbookKey: 'voc_sprint' })],
      [
        'start (recommendation)',
        (id) => b.playbooks.start({ accountId: globexAccount.id, playbookKey: 'voc_sprint', recommendationId: id === e.id ? rec?.id : id }),
      ],
    ];
    for (const [name, call] of pairs) {
      const foreign = await expectTrpcError(call(e.id), 'NOT_FOUND');
      const random = await expectTrpcError(call(randomUUID()), 'NOT_FOUND');
      expect(foreign.message, name).toBe(random.message);
    }
    const other = await acme.asMember.playbooks.start({ accountId: ids.consulting as string, playbookKey: 'voc_sprint' });
    await expectTrpcError(acme.asMember.playbooks.completeStep({ executionId: other.id, stepId, note: 'x' }), 'NOT_FOUND', 'Step not found.');
    expect((await acme.asMember.playbooks.byId({ id: e.id })).progress.pending).toBe(9);
  });

  it('validates step and transition input', async () => {
    const account = await acme.asAdmin.accounts.create({ name: 'Input Co' });
    const e = await acme.asMember.playbooks.start({ accountId: account.id, playbookKey: 'activation_blitz' });
    const stepId = e.steps[0]?.id as string;
    await expectTrpcError(acme.asMember.playbooks.completeStep({ executionId: e.id, stepId, note: '   ' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.completeStep({ executionId: e.id, stepId, note: 'ok', outcome: 'x'.repeat(501) }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.completeStep({ executionId: e.id, stepId: 'step-1', note: 'ok' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.skipStep({ executionId: e.id, stepId, reason: '' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.cancel({ id: e.id, reason: '' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.pause({ id: e.id, extra: true } as never), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.resume({ id: '1' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.complete({ id: e.id, summary: 'x'.repeat(5001) }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.byId({ id: 'nope' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.playbooks.report({ id: 'nope' }), 'BAD_REQUEST');
    expect((await acme.asMember.playbooks.byId({ id: e.id })).progress.pending).toBe(8);
  });
});

describe('report', () => {
  it('builds a Markdown report from the steps, notes and health before and during the playbook', async () => {
    const before = new Date();
    before.setUTCMonth(before.getUTCMonth() - 2);
    await uploadWorkbook(acme.asMember, WORKBOOKS.biotech, currentPeriod(before), { accountName: 'Report Co' });
    const { items } = await acme.asMember.accounts.list({ limit: 10, search: 'report co' });
    const accountId = items[0]?.id as string;
    const e = await acme.asMember.playbooks.start({ accountId, playbookKey: 'voc_sprint' });
    await acme.asMember.playbooks.completeStep({
      executionId: e.id,
      stepId: e.steps[0]?.id as string,
      note: 'Tickets show *slow* exports | reporting\nSecond line',
      outcome: 'Three hypotheses',
    });
    await acme.asAdmin.playbooks.skipStep({ executionId: e.id, stepId: e.steps[1]?.id as string, reason: 'Sponsor on leave' });
    await uploadWorkbook(acme.asMember, WORKBOOKS.environmental, currentPeriod(), { accountName: 'Report Co' });

    const { filename, markdown } = await acme.asMember.playbooks.report({ id: e.id });
    expect(filename).toBe(`voc-sprint-report-co-${new Date().toISOString().slice(0, 10)}.md`);
    expect(markdown).toContain('# VoC sprint: Report Co');
    expect(markdown).toContain('- **Progress:** 2 of 9 steps resolved (1 done, 1 skipped), 22%');
    expect(markdown).toContain('Started without a recommendation.');
    expect(markdown).toContain(`Health at the start: 67.5. In ${currentPeriod()}: 47.1 (-20.4 points).`);
    expect(markdown).toContain(`### Before\n\n| Period | Health | Tier | Coverage |\n| --- | --- | --- | --- |\n| ${currentPeriod(before)} | 67.5 | at risk |`);
    expect(markdown).toContain(`### During\n\n| Period | Health | Tier | Coverage |\n| --- | --- | --- | --- |\n| ${currentPeriod()} | 47.1 | critical |`);
    expect(markdown).toContain('### 1. Prepare hypotheses from the data: done\n\nDone by Acme Member on');
    expect(markdown).toContain('**Outcome:** Three hypotheses');
    expect(markdown).toContain('> Tickets show \\*slow\\* exports \\| reporting\n> Second line');
    expect(markdown).toContain('### 2. Agree the sprint with the sponsor: skipped\n\nSkipped by Acme Admin on');
    expect(markdown).toContain('**Reason:**\n\n> Sponsor on leave');
    expect(markdown).toContain('### 9. Measure again and record the result: open');
    expect(markdown).toMatch(
      /## Audit trail\n\n- .* UTC: Acme Member started the playbook\n- .* UTC: Acme Member completed step 1\n- .* UTC: Acme Admin skipped step 2\n/,
    );

    await acme.asAdmin.playbooks.pause({ id: e.id, reason: 'Budget freeze\nuntil Q2' });
    await acme.asMember.playbooks.cancel({ id: e.id, reason: 'Customer asked to pause all projects' });
    const finished = await acme.asMember.playbooks.report({ id: e.id });
    expect(finished.markdown).toMatch(/UTC: Acme Admin paused the playbook \(Budget freeze until Q2\)\n- .* UTC: Acme Member cancelled the playbook\n/);
    expect(finished.markdown).toContain('- **Status:** cancelled');
    expect(finished.markdown).toContain('## Closing note\n\n> Customer asked to pause all projects');
  });

  it('explains why a recommended playbook started', async () => {
    const ids = await uploadSamples(acme.asMember);
    const [rec] = await ranked(acme.asMember, 'activation_blitz');
    const e = await acme.asMember.playbooks.start({ accountId: ids.manufacturing as string, playbookKey: 'activation_blitz', recommendationId: rec?.id });
    const { markdown } = await acme.asMember.playbooks.report({ id: e.id });
    expect(markdown).toContain(
      '## Why it started\n\n- Onboarding Completion Rate is 71% in 2026-03, below 75% by 4 points.\n- Product Activation Rate is 68% in 2026-03, below 70% by 2 points.',
    );
    expect(markdown).toContain('### Before\n\n| Period | Health | Tier | Coverage |\n| --- | --- | --- | --- |\n| 2026-03 | 47.9 | critical |');
    expect(markdown).toContain('### During\n\n_No health data._');
    expect(markdown).toContain('No health data during the playbook yet to measure a change.');
  });
});
