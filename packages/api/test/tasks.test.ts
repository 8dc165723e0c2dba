import { beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@pulse/db/testing';
import { anonymousCaller, makeTenant, type TestTenant } from './harness.js';
import { allPages, expectTrpcError } from './kpi-helpers.js';
import { addDays, isoDay } from '../src/domain/dates.js';
import { playbookFor } from '../src/domain/playbooks.js';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
let accountId: string;
const today = () => isoDay(new Date());
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
  accountId = (await acme.asAdmin.accounts.create({ name: 'Initech', csmOwner: 'member@acme.test' })).id;
});

async function actions(resourceId: string) {
  const { items } = await acme.asAdmin.activity.list({ resourceType: 'task', limit: 100 });
  return items
    .filter((e) => e.resourceId === resourceId)
    .map((e) => e.action)
    .reverse();
}

describe('tasks made by hand', () => {
  async function fourTasks() {
    const make = (title: string, days: number) => acme.asMember.tasks.create({ accountId, title, dueDate: addDays(today(), days) });
    return { late: await make('Late', -2), now: await make('Now', 0), soon: await make('Soon', 6), later: await make('Later', 7) };
  }

  it("lists the caller's tasks by due window and counts them", async () => {
    const t = await fourTasks();
    expect(t.late).toMatchObject({
      assignee: { id: acme.member.id },
      status: 'open',
      source: 'manual',
      priority: 'normal',
      overdue: true,
      account: { id: accountId, name: 'Initech' },
    });
    const titles = async (due: 'overdue' | 'today' | 'week') => (await acme.asMember.tasks.list({ assignee: 'me', due })).items.map((x) => x.title);
    expect(await titles('overdue')).toEqual(['Late']);
    expect(await titles('today')).toEqual(['Now']);
    // "This week" is today and the six days after it: +0 and +6 are in, +7 is not.
    expect(await titles('week')).toEqual(['Now', 'Soon']);
    expect(await acme.asMember.tasks.counts({})).toEqual({ open: 4, overdue: 1, today: 1, week: 2 });
    expect(await acme.asAdmin.tasks.counts({})).toEqual({ open: 0, overdue: 0, today: 0, week: 0 });
    expect(await acme.asAdmin.tasks.counts({ assignee: acme.member.id })).toEqual({ open: 4, overdue: 1, today: 1, week: 2 });
    const pages = await allPages((cursor) => acme.asAdmin.tasks.list({ assignee: null, limit: 3, cursor }), 3);
    expect(pages.flat().map((x) => x.title)).toEqual(['Late', 'Now', 'Soon', 'Later']);
  });

  it('completes with a note, reschedules, cancels and reopens, logging each change', async () => {
    const { late, now } = await fourTasks();
    const done = await acme.asMember.tasks.complete({ id: late.id, note: 'Called them' });
    expect(done).toMatchObject({ status: 'done', completionNote: 'Called them', overdue: false });
    expect(done.completedAt).toBeInstanceOf(Date);
    await expectTrpcError(acme.asMember.tasks.complete({ id: late.id }), 'CONFLICT', 'This task is already done.');
    expect(await acme.asMember.tasks.counts({})).toMatchObject({ open: 3, overdue: 0 });

    const moved = await acme.asMember.tasks.update({ id: now.id, dueDate: addDays(today(), 1), priority: 'high' });
    expect(moved).toMatchObject({ dueDate: addDays(today(), 1), priority: 'high' });
    expect((await acme.asMember.tasks.list({ due: 'today', assignee: 'me' })).items).toEqual([]);
    await acme.asMember.tasks.update({ id: now.id, status: 'cancelled' });
    const reopened = await acme.asMember.tasks.update({ id: late.id, status: 'open' });
    expect(reopened).toMatchObject({ status: 'open', completionNote: null, completedAt: null });
    expect(await actions(late.id)).toEqual(['task.create', 'task.complete', 'task.update']);
    expect(await actions(now.id)).toEqual(['task.create', 'task.update', 'task.update']);
    const [update] = (await acme.asAdmin.activity.list({ action: 'task.update', limit: 100 })).items.reverse();
    expect(update).toMatchObject({ before: { dueDate: today(), priority: 'normal' }, after: { dueDate: addDays(today(), 1), priority: 'high' } });
  });

  it("refuses bad input, other tenants' ids, archived accounts and anonymous callers", async () => {
    await expectTrpcError(acme.asMember.tasks.create({ accountId, title: '  ', dueDate: today() }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.tasks.create({ accountId, title: 'x', dueDate: '2026-02-30' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.tasks.create({ accountId, title: 'x', dueDate: today(), priority: 'urgent' as 'high' }), 'BAD_REQUEST');
    const foreignAccount = await globex.asAdmin.accounts.create({ name: 'Globex Co' });
    const foreignTask = await globex.asAdmin.tasks.create({ accountId: foreignAccount.id, title: 'Theirs', dueDate: today() });
    await expectTrpcError(acme.asMember.tasks.create({ accountId: foreignAccount.id, title: 'x', dueDate: today() }), 'NOT_FOUND', 'Account not found.');
    await expectTrpcError(acme.asMember.tasks.create({ accountId, title: 'x', dueDate: today(), assigneeId: globex.admin.id }), 'NOT_FOUND', 'User not found.');
    await expectTrpcError(acme.asMember.tasks.update({ id: foreignTask.id, title: 'Mine' }), 'NOT_FOUND', 'Task not found.');
    await expectTrpcError(acme.asMember.tasks.complete({ id: foreignTask.id }), 'NOT_FOUND', 'Task not found.');
    await expectTrpcError(acme.asMember.tasks.byId({ id: randomUUID() }), 'NOT_FOUND', 'Task not found.');
    await expectTrpcError(acme.asMember.tasks.update({ id: foreignTask.id }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.tasks.list({ assignee: acme.admin.id }), 'FORBIDDEN');
    expect((await acme.asMember.tasks.list({ accountId: foreignAccount.id })).items).toEqual([]);
    await acme.asAdmin.accounts.archive({ id: accountId });
    await expectTrpcError(
      acme.asMember.tasks.create({ accountId, title: 'x', dueDate: today() }),
      'CONFLICT',
      'Initech is archived; restore it before adding tasks.',
    );
    await expectTrpcError(anonymousCaller(handle.db).tasks.list({}), 'UNAUTHORIZED');
    expect((await globex.asAdmin.tasks.byId({ id: foreignTask.id })).title).toBe('Theirs');
  });
});

describe('playbook step tasks', () => {
  it('creates a task per step due at the step offset for the account owner', async () => {
    const execution = await acme.asAdmin.playbooks.start({ accountId, playbookKey: 'sla_stabiliser' });
    const tasks = (await acme.asAdmin.tasks.list({ accountId, limit: 100 })).items;
    const playbook = playbookFor('sla_stabiliser');
    expect(tasks).toHaveLength(playbook.steps.length);
    // Step i of n is due round(14·i/n) days after today: 7 steps → 2, 4, 6, 8, 10, 12, 14.
    expect(tasks.map((t) => t.dueDate)).toEqual([2, 4, 6, 8, 10, 12, 14].map((d) => addDays(today(), d)));
    expect(tasks.map((t) => t.playbookStep?.stepId)).toEqual(execution.steps.map((s) => s.id));
    expect(tasks.every((t) => t.assignee?.id === acme.member.id && t.source === 'playbook_step')).toBe(true);
    expect(tasks[0]?.title).toBe(`SLA stabiliser: ${execution.steps[0]?.title}`);
  });

  it('completing the task completes the step and completing the step completes the task; skipping or cancelling closes them', async () => {
    const execution = await acme.asMember.playbooks.start({ accountId, playbookKey: 'sla_stabiliser' });
    const [t1, t2, t3] = (await acme.asMember.tasks.list({ accountId, limit: 100 })).items;
    const [s1, s2, s3] = execution.steps;
    await acme.asMember.tasks.complete({ id: t1?.id as string, note: 'Backlog triaged' });
    let steps = (await acme.asMember.playbooks.byId({ id: execution.id })).steps;
    expect(steps[0]).toMatchObject({ id: s1?.id, status: 'done', note: 'Backlog triaged' });

    await acme.asMember.playbooks.completeStep({ executionId: execution.id, stepId: s2?.id as string, note: 'Called' });
    expect(await acme.asMember.tasks.byId({ id: t2?.id as string })).toMatchObject({ status: 'done', completionNote: 'Called' });
    await acme.asMember.playbooks.skipStep({ executionId: execution.id, stepId: s3?.id as string, reason: 'Not needed' });
    expect(await acme.asMember.tasks.byId({ id: t3?.id as string })).toMatchObject({ status: 'cancelled' });
    await expectTrpcError(acme.asMember.tasks.update({ id: t3?.id as string, status: 'open' }), 'CONFLICT', /playbook step/);

    await acme.asMember.playbooks.pause({ id: execution.id });
    const open = (await acme.asMember.tasks.list({ accountId, status: 'open', limit: 100 })).items;
    await expectTrpcError(
      acme.asMember.tasks.complete({ id: open[0]?.id as string }),
      'CONFLICT',
      'This playbook is paused; resume it before working on its steps.',
    );
    await acme.asMember.playbooks.cancel({ id: execution.id, reason: 'Customer left' });
    expect((await acme.asMember.tasks.list({ accountId, status: 'open' })).items).toEqual([]);
    steps = (await acme.asMember.playbooks.byId({ id: execution.id })).steps;
    expect(steps.map((s) => s.status)).toEqual(['done', 'done', 'skipped', 'pending', 'pending', 'pending', 'pending']);
    expect(await actions(t1?.id as string)).toEqual(['task.complete']);
    expect(await actions(open[0]?.id as string)).toEqual(['task.cancel']);
    const [start] = (await acme.asAdmin.activity.list({ action: 'playbook.start' })).items;
    expect(start?.after).toMatchObject({ playbook: 'sla_stabiliser', tasks: 7 });
  });
});

describe('trigger tasks', () => {
  it('creates one open task per account when a trigger whose rule says "create a task" fires', async () => {
    await acme.asAdmin.accounts.update({ id: accountId, renewalDate: addDays(today(), 20) });
    const { items } = await acme.asAdmin.playbooks.triggers({ playbookKey: 'renewal_safeguard' });
    const renewal = items.find((t) => t.kind === 'renewal_within');
    const first = await acme.asAdmin.playbooks.evaluate();
    expect(first.tasks).toBe(0);
    expect(await acme.asAdmin.playbooks.updateTrigger({ id: renewal?.id as string, createTask: true })).toMatchObject({ createTask: true });
    expect((await acme.asAdmin.playbooks.evaluate()).tasks).toBe(1);
    expect((await acme.asAdmin.playbooks.evaluate()).tasks).toBe(0);
    const [task] = (await acme.asMember.tasks.list({ assignee: 'me' })).items;
    expect(task).toMatchObject({
      source: 'trigger',
      triggerId: renewal?.id,
      priority: 'high',
      dueDate: addDays(today(), 3),
      title: 'Review the Renewal safeguard recommendation',
    });
    await acme.asMember.tasks.complete({ id: task?.id as string });
    expect((await acme.asAdmin.playbooks.evaluate()).tasks).toBe(1);
  });
});
