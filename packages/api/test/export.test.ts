import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { unzipSync, strFromU8 } from 'fflate';
import { createTestDatabase, type TestDatabase } from '@pulse/db/testing';
import type { Db } from '@pulse/db';
import { makeTenant, sampleWorkbooks, type TestTenant } from './harness.js';
import { uploadWorkbook } from './kpi-helpers.js';
import { exportFilename, exportSheets, exportTenant } from '../src/domain/export.js';

let handle: TestDatabase;
let acme: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  handle = await createTestDatabase();
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
  for (const file of sampleWorkbooks) await uploadWorkbook(acme.asMember, file, '2026-03');
  await uploadWorkbook(globex.asMember, sampleWorkbooks[0] as string, '2026-03');
  await acme.asAdmin.ranges.update({
    kpi: 'Ticket Backlog',
    higherIsBetter: false,
    scaleMin: 0,
    riskThreshold: 30,
    healthyThreshold: 12,
    scaleMax: 100,
  });
  const [rec] = (await acme.asMember.playbooks.recommendations({ limit: 1 })).items;
  const e = await acme.asMember.playbooks.start({ accountId: rec?.account.id as string, playbookKey: rec?.playbookKey as never, recommendationId: rec?.id });
  await acme.asMember.playbooks.completeStep({ executionId: e.id, stepId: e.steps[0]?.id as string, note: 'Line one\nline "two", with a comma' });
  await acme.asMember.renewals.recordOutcome({ accountId: e.account.id, outcome: 'churned', reason: 'Moved to a competitor' });
}, 300_000);
afterAll(async () => {
  await handle.close();
});

async function exportOf(db: Db, tenantId: string): Promise<Record<string, string>> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  await exportTenant(db, tenantId, sink);
  const files = unzipSync(new Uint8Array(Buffer.concat(chunks)));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

/** Rows of a CSV file as objects (RFC 4180 quoting, CRLF line ends). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    i += 1;
    if (quoted && c === '"' && next === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== ',' && c !== '\r')) {
      cell += c;
    } else {
      row.push(cell);
      cell = '';
      if (c === '\r') {
        rows.push(row);
        row = [];
        i += 1;
      }
    }
  }
  const [header = [], ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j] ?? ''])));
}

async function ids(table: 'kpi_readings' | 'accounts' | 'users' | 'activity_log' | 'account_health', tenantId: string): Promise<string[]> {
  const rows = await handle.db.selectFrom(table).select('id').where('tenant_id', '=', tenantId).execute();
  return rows.map((r) => r.id).sort();
}

describe('exportTenant', () => {
  it('writes one CSV per table with every row of the tenant and none of another', async () => {
    const files = await exportOf(handle.db, acme.tenant.id);
    expect(Object.keys(files)).toEqual(exportSheets.map((s) => `${s.table}.csv`));
    const csv = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, parseCsv(text)]));

    expect(csv['kpi_readings.csv']?.length).toBe(sampleWorkbooks.length * 59);
    expect(csv['kpi_readings.csv']?.map((r) => r.id).sort()).toEqual(await ids('kpi_readings', acme.tenant.id));
    expect(csv['accounts.csv']?.map((r) => r.id).sort()).toEqual(await ids('accounts', acme.tenant.id));
    expect(csv['account_health.csv']?.map((r) => r.id).sort()).toEqual(await ids('account_health', acme.tenant.id));
    expect(csv['users.csv']?.map((r) => r.id).sort()).toEqual(await ids('users', acme.tenant.id));
    expect(csv['activity_log.csv']?.map((r) => r.id).sort()).toEqual(await ids('activity_log', acme.tenant.id));
    expect(csv['tenants.csv']).toEqual([{ id: acme.tenant.id, name: 'Acme', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    expect(csv['tenant_settings.csv']?.[0]).toMatchObject({ tier_healthy: '80', tier_at_risk: '60' });
    expect(JSON.parse(csv['tenant_settings.csv']?.[0]?.category_weights as string)).toMatchObject({ Support: 20 });
    expect(csv['reference_ranges.csv']).toEqual([expect.objectContaining({ kpi_name: 'Ticket Backlog', risk_threshold: '30', healthy_threshold: '12' })]);
    expect(csv['playbook_triggers.csv']).toHaveLength(10);
    expect(csv['playbook_executions.csv']).toHaveLength(1);
    expect(csv['playbook_execution_steps.csv']?.find((s) => s.status === 'done')?.note).toBe('Line one\nline "two", with a comma');
    expect(csv['playbook_recommendations.csv']?.length).toBeGreaterThan(10);
    // One task per step of the started playbook; the first is done with the step's note.
    expect(csv['tasks.csv']).toHaveLength(csv['playbook_execution_steps.csv']?.length as number);
    expect(csv['tasks.csv']?.find((t) => t.status === 'done')?.completion_note).toBe('Line one\nline "two", with a comma');
    expect(csv['renewal_outcomes.csv']).toEqual([expect.objectContaining({ outcome: 'churned', reason: 'Moved to a competitor' })]);
    expect((JSON.parse(csv['playbook_recommendations.csv']?.[0]?.reasons ?? '[]') as unknown[])[0]).toHaveProperty('message');

    const everything = Object.values(files).join('\n');
    for (const id of [
      globex.tenant.id,
      globex.admin.id,
      globex.member.id,
      ...(await ids('kpi_readings', globex.tenant.id)),
      ...(await ids('accounts', globex.tenant.id)),
    ]) {
      expect(everything).not.toContain(id);
    }
    expect(everything).not.toMatch(/\$2[aby]\$/);
    expect(files['users.csv']?.split('\r\n')[0]).toBe('id,email,name,role,active,last_login_at,created_at,updated_at');
    expect(files['kpi_uploads.csv']?.split('\r\n')[0]?.split(',')).not.toContain('content');
  });

  it('reads the readings in keyset batches rather than all at once', async () => {
    const statements: string[] = [];
    const logged = handle.db.withPlugin({
      transformQuery(args) {
        if (args.node.kind === 'SelectQueryNode') statements.push(JSON.stringify(args.node));
        return args.node;
      },
      transformResult(args) {
        return Promise.resolve(args.result);
      },
    });
    const files = await exportOf(logged, acme.tenant.id);
    const readingBatches = statements.filter((s) => s.includes('"kpi_readings"'));
    expect(readingBatches).toHaveLength(Math.ceil((sampleWorkbooks.length * 59) / 1000));
    expect(readingBatches.every((s) => s.includes('"limit"'))).toBe(true);
    expect(files['kpi_readings.csv']?.split('\r\n')).toHaveLength(sampleWorkbooks.length * 59 + 2);
  });

  it('exports only the other tenant’s own rows for that tenant', async () => {
    const files = await exportOf(handle.db, globex.tenant.id);
    const csv = parseCsv(files['kpi_readings.csv'] as string);
    expect(csv).toHaveLength(59);
    expect(files['accounts.csv']).not.toContain(acme.tenant.id);
    expect(Object.values(files).join('\n')).not.toContain(acme.admin.id);
  });

  it('names the download after the organisation and the day', () => {
    expect(exportFilename('Acme & Co.', new Date('2026-11-29T10:00:00Z'))).toBe('pulse-export-acme-co-2026-11-29.zip');
    expect(exportFilename('***', new Date('2026-11-29T10:00:00Z'))).toBe('pulse-export-tenant-2026-11-29.zip');
  });
});
