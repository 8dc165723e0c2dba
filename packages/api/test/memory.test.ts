import { beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDatabase } from '@pulse/db/testing';
import { anonymousCaller, makeTenant, type TestTenant } from './harness.js';
import { README_OVERALL, allPages, expectTrpcError, readmeExample, uploadCsv } from './kpi-helpers.js';
import { escapeLike } from '@pulse/db';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
let accountId: string;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
  accountId = (await acme.asAdmin.accounts.create({ name: 'Granite Retail', csmOwner: 'member@acme.test' })).id;
});

const at = (iso: string) => `${iso}T10:00:00.000Z`;

describe('notes', () => {
  it('are written on an account, shown on its timeline and found by search across the organisation', async () => {
    const other = (await acme.asAdmin.accounts.create({ name: 'Initech' })).id;
    const note = await acme.asMember.notes.create({
      accountId,
      kind: 'call',
      occurredAt: at('2026-11-20'),
      participants: ['Ali Khan', 'Bo Lind'],
      body: 'Discussed the **renewal** and the onboarding backlog.',
    });
    expect(note).toMatchObject({
      kind: 'call',
      account: { id: accountId, name: 'Granite Retail' },
      author: { id: acme.member.id },
      participants: ['Ali Khan', 'Bo Lind'],
    });
    await acme.asAdmin.notes.create({ accountId: other, kind: 'email', occurredAt: at('2026-11-21'), body: 'Renewals team asked for pricing.' });

    const timeline = await acme.asMember.timeline.list({ accountId });
    expect(timeline.items).toEqual([
      expect.objectContaining({
        id: `note:${note.id}`,
        kind: 'note',
        event: 'call',
        sentence: 'Acme Member logged a call with Ali Khan, Bo Lind.',
        body: note.body,
        source: { type: 'note', id: note.id },
      }),
    ]);

    // Word starts match ("renew" finds renewal and Renewals), in every account, newest first.
    const found = await acme.asMember.notes.search({ query: 'renew' });
    expect(found.items.map((n) => n.account.name)).toEqual(['Initech', 'Granite Retail']);
    // Every word must occur; participants are searched too; case does not matter.
    expect((await acme.asMember.notes.search({ query: 'RENEWAL onboarding' })).items.map((n) => n.id)).toEqual([note.id]);
    expect((await acme.asMember.notes.search({ query: 'bo lind' })).items.map((n) => n.id)).toEqual([note.id]);
    expect((await acme.asMember.notes.search({ query: 'onboarding pricing' })).items).toEqual([]);
    // tsquery syntax in the query is only words: no error, no injection.
    expect((await acme.asMember.notes.search({ query: "renew:* | !'x' & (" })).items).toHaveLength(0);
    expect((await acme.asMember.notes.search({ query: 'renew & (backlog' })).items.map((n) => n.id)).toEqual([note.id]);
    // Another organisation finds nothing of Acme's.
    expect((await globex.asAdmin.notes.search({ query: 'renew' })).items).toEqual([]);
  });

  it('pages search results newest first without skipping notes that share a time', async () => {
    const same = at('2026-11-10');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await acme.asMember.notes.create({ accountId, kind: 'note', occurredAt: same, body: `Escalation ${i}` })).id);
    const older = await acme.asMember.notes.create({ accountId, kind: 'note', occurredAt: at('2026-11-01'), body: 'Escalation earlier' });
    const pages = await allPages((cursor) => acme.asMember.notes.search({ query: 'escalation', limit: 2, cursor }), 2);
    // Equal times order by id, descending; the older note comes last.
    expect(pages.flat().map((n) => n.id)).toEqual([...[...ids].sort().reverse(), older.id]);
  });

  it('refuses bad input with sentences and stores nothing', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    await expectTrpcError(acme.asMember.notes.create({ accountId, kind: 'note', occurredAt: tomorrow, body: 'x' }), 'BAD_REQUEST', /not in the future/);
    await expectTrpcError(acme.asMember.notes.create({ accountId, kind: 'note', occurredAt: at('2026-11-01'), body: '   ' }), 'BAD_REQUEST', /Write the note/);
    await expectTrpcError(
      acme.asMember.notes.create({ accountId, kind: 'note', occurredAt: at('2026-11-01'), body: 'x'.repeat(20_001) }),
      'BAD_REQUEST',
      /at most 20000/,
    );
    await expectTrpcError(
      // @ts-expect-error a kind that does not exist
      acme.asMember.notes.create({ accountId, kind: 'lunch', occurredAt: at('2026-11-01'), body: 'x' }),
      'BAD_REQUEST',
      /call, meeting, email, note/,
    );
    await expectTrpcError(acme.asMember.notes.create({ accountId, kind: 'note', occurredAt: '0000-01-01T00:00:00Z', body: 'x' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.notes.search({ query: '!!! ???' }), 'BAD_REQUEST', 'Enter at least one word to search for.');
    await expectTrpcError(acme.asMember.notes.search({ query: 'x', cursor: 'not-a-cursor' }), 'BAD_REQUEST', 'The cursor is not valid for this list.');
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notes`.execute(handle.db);
    expect(rows[0]?.n).toBe(0);
  });

  it('answers 401 without a session and 404 for another organisation’s account', async () => {
    const anonymous = anonymousCaller(handle.app);
    await expectTrpcError(anonymous.notes.create({ accountId, kind: 'note', occurredAt: at('2026-11-01'), body: 'x' }), 'UNAUTHORIZED');
    await expectTrpcError(anonymous.notes.search({ query: 'x' }), 'UNAUTHORIZED');
    await expectTrpcError(anonymous.timeline.list({ accountId }), 'UNAUTHORIZED');
    await expectTrpcError(globex.asAdmin.notes.create({ accountId, kind: 'note', occurredAt: at('2026-11-01'), body: 'x' }), 'NOT_FOUND', 'Account not found.');
    await expectTrpcError(globex.asAdmin.timeline.list({ accountId }), 'NOT_FOUND', 'Account not found.');
  });
});

describe('manager sentiment', () => {
  it('scores red through the algorithm: the README example drops by exactly the Relationship Strength reading of 0', async () => {
    await uploadCsv(acme.asAdmin, readmeExample('Granite Retail', '2026-01'));
    expect((await acme.asMember.health.account({ accountId }))?.overall).toBeCloseTo(README_OVERALL, 9);

    const { entry, health } = await acme.asMember.sentiment.set({ accountId, period: '2026-01', value: 'red', comment: 'Sponsor left; no reply for a month.' });
    expect(entry).toMatchObject({ value: 1, previousValue: null, setBy: { id: acme.member.id } });
    // Manager Sentiment: higher is better, L 1, r 3, h 4, H 5. Red = 1 < r: critical 0 + 33·(1−1)/(3−1) = 0.
    // Overall (30·71 + 20·60.94 + 15·0)/(30 + 20 + 15) = 3348.8/65 = 51.52 → critical.
    expect(health?.overall).toBeCloseTo(3348.8 / 65, 9);
    expect(health?.tier).toBe('critical');
    expect(README_OVERALL - (health?.overall ?? 0)).toBeCloseTo(66.976 - 51.52, 9);

    // The explanation shows it like any reading.
    const explained = await acme.asMember.health.explain({ accountId, period: '2026-01' });
    expect(explained.readings.find((r) => r.kpi === 'Manager Sentiment')).toMatchObject({
      category: 'Relationship Strength',
      raw: '1',
      status: 'critical',
      score: 0,
      impact: 'Medium',
    });

    // Amber = 3: risk 34 + 32·(3−3)/(4−3) = 34 → (3348.8 + 15·34)/65.
    const amber = await acme.asAdmin.sentiment.set({ accountId, period: '2026-01', value: 3, comment: 'Talking again.' });
    expect(amber.entry.previousValue).toBe(1);
    expect(amber.health?.overall).toBeCloseTo((3348.8 + 15 * 34) / 65, 9);

    // A later upload for the same period keeps the sentiment: only the upload's own readings are replaced.
    await uploadCsv(acme.asAdmin, readmeExample('Granite Retail', '2026-01'));
    expect((await acme.asMember.health.account({ accountId, period: '2026-01' }))?.overall).toBeCloseTo((3348.8 + 15 * 34) / 65, 9);

    // History: who, when, the value before.
    const history = await acme.asMember.sentiment.history({ accountId });
    expect(history.items.map((e) => [e.value, e.previousValue, e.setBy.name, e.comment])).toEqual([
      [3, 1, 'Acme Admin', 'Talking again.'],
      [1, null, 'Acme Member', 'Sponsor left; no reply for a month.'],
    ]);
  });

  it('on a period without readings, green alone is the score: healthy 67 + 33·(5−4)/(5−4) = 100', async () => {
    const { health } = await acme.asAdmin.sentiment.set({ accountId, period: '2026-02', value: 'green', comment: 'Great QBR.' });
    expect(health).toMatchObject({ overall: 100, tier: 'healthy', period: '2026-02' });
    expect((await acme.asAdmin.accounts.byId({ id: accountId })).health).toMatchObject({ overall: 100, tier: 'healthy' });
  });

  it('is the owner’s or an admin’s to set: 403 for another member, 404 across tenants, 401 without a session, sentences for bad input', async () => {
    const other = (await acme.asAdmin.accounts.create({ name: 'Initech' })).id;
    await expectTrpcError(
      acme.asMember.sentiment.set({ accountId: other, period: '2026-01', value: 'red', comment: 'x' }),
      'FORBIDDEN',
      'Only the account’s owner or an admin can set its sentiment.',
    );
    await expectTrpcError(globex.asAdmin.sentiment.set({ accountId, period: '2026-01', value: 'red', comment: 'x' }), 'NOT_FOUND', 'Account not found.');
    await expectTrpcError(globex.asAdmin.sentiment.history({ accountId }), 'NOT_FOUND', 'Account not found.');
    await expectTrpcError(anonymousCaller(handle.app).sentiment.set({ accountId, period: '2026-01', value: 'red', comment: 'x' }), 'UNAUTHORIZED');
    await expectTrpcError(acme.asMember.sentiment.set({ accountId, period: '2026-01', value: 'red', comment: '  ' }), 'BAD_REQUEST', /a comment is required/);
    await expectTrpcError(
      acme.asMember.sentiment.set({ accountId, period: '2026-01', value: 6, comment: 'x' }),
      'BAD_REQUEST',
      /1 to 5, or red, amber or green/,
    );
    await expectTrpcError(
      acme.asMember.sentiment.set({ accountId, period: '2026-01', value: 'purple', comment: 'x' }),
      'BAD_REQUEST',
      /1 to 5, or red, amber or green/,
    );
    await expectTrpcError(acme.asMember.sentiment.set({ accountId, period: '2026-13', value: 1, comment: 'x' }), 'BAD_REQUEST', /YYYY-MM/);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sentiment_entries`.execute(handle.db);
    expect(rows[0]?.n).toBe(0);
  });
});

describe('timeline', () => {
  it('tells every kind of event as a sentence, newest first, and filters by kind', async () => {
    await acme.asAdmin.sentiment.set({ accountId, period: '2026-01', value: 'red', comment: 'Sponsor left.' });
    await uploadCsv(acme.asAdmin, readmeExample('Granite Retail', '2026-02'));
    const task = await acme.asMember.tasks.create({ accountId, title: 'Call the sponsor', dueDate: '2026-12-24' });
    await acme.asMember.tasks.complete({ id: task.id, note: 'Reached her' });
    const execution = await acme.asMember.playbooks.start({ accountId, playbookKey: 'activation_blitz' });
    const step = execution.steps[0] as { id: string; title: string };
    await acme.asMember.playbooks.completeStep({ executionId: execution.id, stepId: step.id, note: 'Done' });
    await acme.asMember.renewals.recordOutcome({ accountId, outcome: 'churned', reason: 'Budget cut' });
    await acme.asMember.notes.create({ accountId, kind: 'meeting', occurredAt: at('2026-01-15'), body: 'Kick-off' });

    const all = (await acme.asMember.timeline.list({ accountId, limit: 100 })).items;
    const sentences = all.map((i) => i.sentence);
    expect(sentences).toEqual(
      expect.arrayContaining([
        'Acme Admin set the manager sentiment for 2026-01 to red (1).',
        expect.stringMatching(/^Acme Admin uploaded readings\.csv \(version 1\) with 4 readings for 2026-02\.$/),
        // 2026-01 scored only the red sentiment (0, critical); 2026-02 the README example (66.976, at risk).
        'Health turned at risk in 2026-02 (was critical), score 67.',
        'Acme Member created the task “Call the sponsor”.',
        'Acme Member completed the task “Call the sponsor”: Reached her.',
        'Acme Member started Activation blitz.',
        `Acme Member completed step 1 of Activation blitz: ${step.title}.`,
        'Acme Member recorded the renewal as churned: Budget cut.',
        'Acme Member logged a meeting.',
      ]),
    );
    const times = all.map((i) => i.occurredAt.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
    // The note dated 2026-01-15 sorts by its date: after the tier change dated 2026-02-01, last of all.
    expect(all.slice(-2).map((i) => i.kind)).toEqual(['health', 'note']);

    const onlyNotesAndHealth = (await acme.asMember.timeline.list({ accountId, kinds: ['note', 'health'] })).items;
    expect(onlyNotesAndHealth.map((i) => i.kind).sort()).toEqual(['health', 'note']);
    expect(onlyNotesAndHealth.find((i) => i.kind === 'health')?.source).toEqual({ type: 'health', id: '2026-02' });
  });

  it('pages across events that share a time without skipping or repeating one', async () => {
    const same = at('2026-11-10');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(`note:${(await acme.asMember.notes.create({ accountId, kind: 'note', occurredAt: same, body: `n${i}` })).id}`);
    // A sentiment entry at the very same instant as the notes: kinds interleave by key.
    const sentiment = await acme.asAdmin.sentiment.set({ accountId, period: '2026-10', value: 4, comment: 'ok' });
    await sql`UPDATE sentiment_entries SET set_at = ${same} WHERE id = ${sentiment.entry.id}`.execute(handle.db);
    made.push(`sentiment:${sentiment.entry.id}`);
    const pages = await allPages((cursor) => acme.asMember.timeline.list({ accountId, kinds: ['note', 'sentiment'], limit: 2, cursor }), 2);
    expect(pages.flat().map((i) => i.id)).toEqual([...made].sort().reverse());
  });

  it('refuses unknown kinds and bad cursors with sentences', async () => {
    await expectTrpcError(
      // @ts-expect-error a kind that does not exist
      acme.asMember.timeline.list({ accountId, kinds: ['gossip'] }),
      'BAD_REQUEST',
      /note, health, upload, playbook, task, renewal, sentiment/,
    );
    await expectTrpcError(acme.asMember.timeline.list({ accountId, cursor: 'bm90IGEgY3Vyc29y' }), 'BAD_REQUEST', 'The cursor is not valid for this list.');
  });
});

describe('activity sentences and the action prefix filter', () => {
  it('reads rows as sentences and matches actions by prefix, taking % and _ literally', async () => {
    const execution = await acme.asMember.playbooks.start({ accountId, playbookKey: 'activation_blitz' });
    await acme.asMember.playbooks.cancel({ id: execution.id, reason: 'Wrong moment' });
    await acme.asMember.tasks.create({ accountId, title: 'Call', dueDate: '2026-12-24' });
    const playbook = (await acme.asAdmin.activity.list({ action: 'playbook' })).items;
    expect(playbook.map((e) => [e.action, e.sentence])).toEqual([
      ['playbook.cancel', 'Acme Member cancelled a playbook for Granite Retail.'],
      ['playbook.start', 'Acme Member started Activation blitz for Granite Retail.'],
    ]);
    expect((await acme.asAdmin.activity.list({ action: 'playbook.start' })).items).toHaveLength(1);
    // "_" is a LIKE wildcard for one character: unescaped, "task_" would match "task.create".
    expect((await acme.asAdmin.activity.list({ action: 'task_' })).items).toEqual([]);
    expect((await acme.asAdmin.activity.list({ action: '%' })).items).toEqual([]);
    expect((await acme.asAdmin.activity.list({ action: 'task.cr' })).items.map((e) => e.sentence)).toEqual([
      'Acme Member created the task “Call” for Granite Retail.',
    ]);
    // Cancelling the playbook cancelled its step tasks: the prefix "task" finds those too.
    expect(new Set((await acme.asAdmin.activity.list({ action: 'task' })).items.map((e) => e.action))).toEqual(new Set(['task.create', 'task.cancel']));
    expect(escapeLike('a%b_c\\d')).toBe('a\\%b\\_c\\\\d');
  });
});
