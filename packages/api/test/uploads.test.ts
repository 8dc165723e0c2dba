import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, truncateAll } from '@pulse/db/testing';
import type { DatabaseHandle } from '@pulse/db';
import { csv, formData, makeTenant, readSample, sampleWorkbooks, type TestTenant } from './harness.js';

let handle: DatabaseHandle;
let acme: TestTenant;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});
beforeEach(async () => {
  await truncateAll(handle);
  acme = await makeTenant(handle, 'Acme');
});

describe('workbook uploads', () => {
  it('imports a sample workbook, stores its readings and health', async () => {
    const { report } = await acme.asAdmin.uploads.create(
      formData({ period: '2026-03' }, { name: 'automotive_solutions_kpis.xlsx', bytes: readSample('workbooks/automotive_solutions_kpis.xlsx') }),
    );
    expect(report.status).toBe('accepted');
    expect(report.counts.readings).toBe(59);
    console.log(JSON.stringify(report.counts), report.accounts, report.warnings.slice(0, 5));
  });
});
