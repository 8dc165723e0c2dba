import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDatabase } from '@pulse/db/testing';
import { FieldErrors } from '../src/errors.js';
import { csv, formData, makeTenant, readSample, sampleWorkbooks, type TestTenant } from './harness.js';
import { zipBombWorkbook } from '../../ingest/test/zip-bomb.js';
import { README_OVERALL, expectTrpcError, readmeExample, rollupByHand, storedId, uploadCsv, uploadWorkbook, type Line } from './kpi-helpers.js';

const handle = useTestDatabase();
let acme: TestTenant;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
});

/** Rows per table for one tenant: what an upload stored. */
async function stored(tenantId: string) {
  const count = async (table: string) =>
    Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE tenant_id = ${tenantId}`.execute(handle.db)).rows[0]?.n);
  return {
    accounts: await count('accounts'),
    products: await count('products'),
    uploads: await count('kpi_uploads'),
    versions: await count('kpi_upload_versions'),
    readings: await count('kpi_readings'),
    health: await count('account_health'),
  };
}

async function readingsOf(t: TestTenant, accountId: string, period: string) {
  const page = await t.asMember.kpis.list({ accountId, period, limit: 100 });
  expect(page.nextCursor).toBeNull();
  return new Map(page.items.map((r) => [r.kpi, r]));
}

/** The Company row of each sample workbook's summary sheet. */
const companies = JSON.parse(readSample('workbook-companies.json').toString('utf8')) as Record<string, string>;

describe('workbook uploads', () => {
  it('imports every sample workbook: account from the Company row, 59 readings, 48 scored and 11 unknown', async () => {
    expect(sampleWorkbooks).toEqual(Object.keys(companies).sort());
    for (const file of sampleWorkbooks) {
      const { uploadId, report } = await uploadWorkbook(acme.asAdmin, file, '2026-03');
      // Every sample workbook has 59 KPI rows; 11 of them hold a value in the wrong unit for
      // their KPI (e.g. Customer Effort Score "77%", a % for a score KPI), so 48 are scored.
      expect(report, file).toMatchObject({
        status: 'accepted',
        format: 'xlsx',
        problems: [],
        counts: { readings: 59, scored: 48, unknown: 11, warnings: 11, accountsCreated: 1 },
        accounts: [{ name: companies[file], created: true }],
        versions: [{ account: companies[file], period: '2026-03', version: 1, readings: 59 }],
      });
      expect(report.warnings.every((w) => w.code === 'unit_mismatch')).toBe(true);
      const accountId = report.accounts[0]?.id as string;
      const health = await acme.asMember.health.account({ accountId });
      expect(health).toMatchObject({ period: '2026-03', scoredCount: 48, readingCount: 59, coverage: 48 / 59 });
      expect((await acme.asMember.uploads.byId({ id: storedId({ uploadId }) })).accountName).toBe(companies[file]);
    }
    const accounts = await acme.asMember.accounts.list({ limit: 100 });
    expect(accounts.items.map((a) => a.name).sort()).toEqual(Object.values(companies).sort());
    expect(await stored(acme.tenant.id)).toEqual({ accounts: 18, products: 0, uploads: 18, versions: 18, readings: 18 * 59, health: 18 });
  });

  it('scores Automotive Solutions by the formula: readings, Customer Sentiment and overall 47.94 (critical)', async () => {
    const { report } = await uploadWorkbook(acme.asAdmin, 'automotive_solutions_kpis.xlsx', '2026-03');
    const accountId = report.accounts[0]?.id as string;
    const r = await readingsOf(acme, accountId, '2026-03');
    expect(r.size).toBe(59);

    // Time to First Value: days, lower is better, L 0, h 7, r 30. "20 hours" = 20/24 days ≤ 7:
    // healthy, 67 + 33·(7 − 20/24)/(7 − 0) = 96.0714…
    expect(r.get('Time to First Value (TTFV)')).toMatchObject({ raw: '20 hours', unit: 'days', status: 'healthy', impact: 'High' });
    expect(r.get('Time to First Value (TTFV)')?.value).toBeCloseTo(20 / 24, 12);
    expect(r.get('Time to First Value (TTFV)')?.score).toBeCloseTo(96.07142857142857, 9);
    // Customer Retention Rate: %, higher is better, r 71, h 91. 73% → risk 34 + 32·(73 − 71)/(91 − 71) = 37.2
    expect(r.get('Customer Retention Rate')).toMatchObject({ raw: '73%', value: 73, unit: 'percent', status: 'risk' });
    expect(r.get('Customer Retention Rate')?.score).toBeCloseTo(37.2, 9);
    // Support Cost per Ticket: $, lower is better, r 75, H 999999. "$90K" = 90000 > 75:
    // critical 33·(999999 − 90000)/(999999 − 75) = 30.0322…
    expect(r.get('Support Cost per Ticket')).toMatchObject({ raw: '$90K', value: 90000, unit: 'currency', status: 'critical', impact: 'Low' });
    expect(r.get('Support Cost per Ticket')?.score).toBeCloseTo((33 * 909999) / 999924, 9);
    // Customer Effort Score is a score KPI: "77%" is a unit mismatch, kept as text, not scored.
    expect(r.get('Customer Effort Score (CES)')).toMatchObject({ raw: '77%', value: 77, unit: 'percent', status: 'unknown', score: null });
    expect(r.get('Customer Effort Score (CES)')?.warning).toMatch(/measured in score/);

    // Customer Sentiment, by hand (High 3, Medium 2):
    //   NPS "3.3" (L −100, r 1, h 51): risk 34 + 32·2.3/50           = 35.472     ×3
    //   CSAT "3.0" (L 1, r 3.1): critical 33·(3.0 − 1)/(3.1 − 1)      = 31.428571… ×3
    //   Customer Complaints "86%" (lower, r 15, H 100): 33·14/85      = 5.435294…  ×3
    //   Error Rates "67%" (lower, r 15, H 100): 33·33/85              = 12.811764… ×2
    //   Customer sentiment Trends "13 hours": unit mismatch, not counted
    //   (3·35.472 + 3·31.428571 + 3·5.435294 + 2·12.811764) / 11      = 22.057375…
    const sentiment = (3 * 35.472 + 3 * (66 / 2.1) + 3 * ((33 * 14) / 85) + 2 * ((33 * 33) / 85)) / 11;
    expect(sentiment).toBeCloseTo(22.05737509549274, 9);

    const health = await acme.asMember.health.account({ accountId, period: '2026-03' });
    expect(health?.categories.find((c) => c.category === 'Customer Sentiment')?.score).toBeCloseTo(sentiment, 9);
    // Overall = (30·67.789038 + 20·46.613505 + 20·22.057375 + 15·33.543266 + 15·58.908278) / 100
    expect(Object.fromEntries(health?.categories.map((c) => [c.category, [c.weight, c.scoredCount, c.readingCount]]) ?? [])).toEqual({
      'Product Usage': [30, 13, 14],
      Support: [20, 9, 11],
      'Customer Sentiment': [20, 4, 5],
      'Business Outcomes': [15, 16, 19],
      'Relationship Strength': [15, 6, 10],
    });
    expect(health?.overall).toBeCloseTo(47.938619014417206, 9);
    expect(health?.tier).toBe('critical');
    expect((await acme.asMember.accounts.byId({ id: accountId })).health).toMatchObject({ tier: 'critical', period: '2026-03' });

    // The explanation lists all 59 readings, and recomputing section 5 from them gives the stored numbers.
    const explained = await acme.asMember.health.explain({ accountId, period: '2026-03' });
    expect(explained.readings).toHaveLength(59);
    const byHand = rollupByHand(explained.readings, explained.weights);
    expect(byHand.overall).toBeCloseTo(health?.overall as number, 9);
    for (const c of health?.categories ?? []) expect(byHand.categories[c.category]).toBeCloseTo(c.score as number, 9);
  });

  it('scores Biotechnology Innovations by the formula: overall 67.53 (at_risk)', async () => {
    const { report } = await uploadWorkbook(acme.asAdmin, 'biotechnology_innovations_kpis.xlsx', '2026-04');
    const accountId = report.accounts[0]?.id as string;
    const r = await readingsOf(acme, accountId, '2026-04');
    // Relationship Strength, by hand:
    //   Account Engagement Score "573" (score, H 100): above the scale, clamped to 100   ×3
    //   SLA compliance "96%" (h 96): healthy 67 + 33·0/4 = 67                            ×3
    //   Benchmarking, Regulatory Compliance, Cross-functional "100%": 100 each           ×2 ×3
    //   Audit Results "100%": 100                                                         ×1
    //   Business Review Frequency "98%", On-time Delivery "2 hours", Process Improvement
    //   Velocity "100%": unit mismatches, not counted
    //   (300 + 201 + 600 + 100) / 13 = 1201/13 = 92.384615…
    expect(r.get('Account Engagement Score')).toMatchObject({ raw: '573', value: 573, unit: null, score: 100, status: 'healthy' });
    expect(r.get('Service Level Agreements (SLAs) compliance')).toMatchObject({ raw: '96%', score: 67, status: 'healthy' });
    expect(r.get('On-time Delivery Rates')).toMatchObject({ raw: '2 hours', value: 2, unit: 'hours', status: 'unknown', score: null });
    // Customer Sentiment: NPS "4.0" risk 34 + 32·3/50 = 35.92 ×3; CSAT "5" = 100 ×3;
    // Complaints "88%" 33·12/85 = 4.658823… ×3; Error Rates "100%" = 0 ×2
    // (107.76 + 300 + 13.976470…) / 11 = 38.339679…
    expect(r.get('Net Promoter Score (NPS)')?.score).toBeCloseTo(35.92, 9);
    expect(r.get('Error Rates (affecting customer experience)')).toMatchObject({ raw: '100%', score: 0, status: 'critical' });

    const health = await acme.asMember.health.account({ accountId });
    const score = (c: string) => health?.categories.find((x) => x.category === c)?.score as number;
    expect(score('Relationship Strength')).toBeCloseTo(1201 / 13, 9);
    expect(score('Customer Sentiment')).toBeCloseTo((3 * 35.92 + 300 + (3 * 396) / 85) / 11, 9);
    // Overall = (30·PU + 20·Support + 20·Sentiment + 15·Outcomes + 15·Relationship) / 100
    const overall =
      (30 * score('Product Usage') + 20 * score('Support') + 20 * score('Customer Sentiment') + 15 * score('Business Outcomes') + 15 * (1201 / 13)) / 100;
    expect(health?.overall).toBeCloseTo(overall, 9);
    expect(health?.overall).toBeCloseTo(67.53177352168652, 9);
    expect(health).toMatchObject({ period: '2026-04', tier: 'at_risk', scoredCount: 48, readingCount: 59 });
  });

  it('uses the account name given with the upload instead of the Company row', async () => {
    const { report } = await uploadWorkbook(acme.asAdmin, 'automotive_solutions_kpis.xlsx', '2026-03', { accountName: 'Renamed Motors' });
    expect(report.accounts).toEqual([{ id: expect.any(String), name: 'Renamed Motors', created: true }]);
  });
});

describe('workbook cells', () => {
  /** A one-category workbook for Initech: each row is [kpi, Data cell value, its number format, impact]. */
  async function initechWorkbook(rows: [kpi: string, value: number | string, numFmt: string | null, impact: string | null][]): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Summary').addRows([['Company', 'Initech']]);
    const sheet = workbook.addWorksheet('Product Usage KPI');
    sheet.addRow(['Health Score Component', 'Weight (%)', 'Data', 'Source Review', 'KPI/Parameter', 'Impact Level', 'Measurement Frequency']);
    rows.forEach(([kpi, value, numFmt, impact], i) => {
      sheet.addRow(['Product Usage', 0.1, value, 'System', kpi, impact, 'Monthly']);
      if (numFmt) sheet.getCell(`C${i + 2}`).numFmt = numFmt;
    });
    workbook.addWorksheet('Rollup');
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  it('scores a numeric cell by its exact number, stores what the sheet showed, and counts an unknown impact as Medium with a warning', async () => {
    const bytes = await initechWorkbook([
      ['Customer Retention Rate', 0.935, '0%', 'H'],
      ['Mean Time to Resolution (MTTR)', 20.4, '0" hours"', 'Critical'],
      ['Feature Adoption Rate', 0.66, '0%', 'l'],
    ]);
    const { report } = await acme.asAdmin.uploads.create(formData({ period: '2026-03' }, { name: 'initech.xlsx', bytes }));
    expect(report).toMatchObject({
      status: 'accepted',
      counts: { readings: 3, scored: 3, unknown: 0, warnings: 1 },
      warnings: [
        {
          sheet: 'Product Usage KPI',
          row: 3,
          column: 'Impact Level',
          account: 'Initech',
          kpi: 'Mean Time to Resolution (MTTR)',
          code: 'impact',
          message: "Impact Level 'Critical' is not High, Medium or Low (or H, M, L): counted as Medium",
        },
      ],
    });
    const accountId = report.accounts[0]?.id as string;
    const r = await readingsOf(acme, accountId, '2026-03');
    // 0.935 as 0% shows "94%" but is 93.5 %: healthy 67 + 33·(93.5 − 91)/(100 − 91) = 76.1666…
    expect(r.get('Customer Retention Rate')).toMatchObject({ raw: '93.5%', displayed: '94%', value: 93.5, unit: 'percent', impact: 'High' });
    expect(r.get('Customer Retention Rate')?.score).toBeCloseTo(67 + (33 * 2.5) / 9, 9);
    // 20.4 as 0" hours" shows "20 hours" but is 20.4 hours: risk 34 + 32·(24 − 20.4)/(24 − 4) = 39.76
    expect(r.get('Mean Time to Resolution (MTTR)')).toMatchObject({ raw: '20.4 hours', displayed: '20 hours', value: 20.4, impact: 'Medium' });
    expect(r.get('Mean Time to Resolution (MTTR)')?.score).toBeCloseTo(39.76, 9);
    // 0.66 as 0% shows "66%", the same number: nothing else to show. Risk 34 + 32·(66 − 51)/(81 − 51) = 50
    expect(r.get('Feature Adoption Rate')).toMatchObject({ raw: '66%', displayed: null, value: 66, score: 50, impact: 'Low' });
    const explained = await acme.asMember.health.explain({ accountId });
    expect(explained.readings.map((x) => [x.kpi, x.raw, x.displayed])).toEqual([
      ['Customer Retention Rate', '93.5%', '94%'],
      ['Feature Adoption Rate', '66%', null],
      ['Mean Time to Resolution (MTTR)', '20.4 hours', '20 hours'],
    ]);
  });

  it('reports a bad period and every unknown account in one report', async () => {
    const bytes = await initechWorkbook([['Customer Retention Rate', 0.9, '0%', 'High']]);
    const { report } = await acme.asAdmin.uploads.create(formData({ period: '2026-13', createAccounts: 'false' }, { name: 'initech.xlsx', bytes }));
    expect(report).toMatchObject({ status: 'rejected' });
    expect(report.problems).toEqual([
      { sheet: null, row: null, column: 'period', message: "Period '2026-13' is not a valid month (expected YYYY-MM, year 2000-2100)" },
      { sheet: 'Product Usage KPI', row: 2, column: 'account', message: 'Unknown account "Initech" (this upload may not create accounts).' },
    ]);
  });
});

describe('CSV uploads', () => {
  it('imports many accounts and months from one file and scores each account period', async () => {
    const lines: Line[] = [
      ...readmeExample('Acme Corp', '2026-01'),
      // 100% → 100; 81% (h 81) → 67; 2 hours (h 2) → 67; 4 hours (h 4) → 67
      // Product Usage (3·100 + 1·67)/4 = 91.75; Support 67; overall (30·91.75 + 20·67)/50 = 81.85
      ['Acme Corp', '2026-02', 'Product Usage', 'Customer Retention Rate', '100%', 'High'],
      ['Acme Corp', '2026-02', 'Product Usage', 'Feature Adoption Rate', '81%', 'Low'],
      ['Acme Corp', '2026-02', 'Support', 'First Response Time', '2 hours', 'Medium'],
      ['Acme Corp', '2026-02', 'Support', 'Mean Time to Resolution (MTTR)', '4 hours', 'High'],
      // Ticket Volume 100 (lower, h 100): healthy 67 + 33·0/100 = 67 → overall 67, at_risk.
      // Its empty impact counts as Medium, with a warning.
      ['Food & Beverage, Corp', '2026-01', 'Support', 'Ticket Volume', '100', ''],
      // NPS −100 = scale minimum: critical 33·0/101 = 0
      ['Food & Beverage, Corp', '2026-02', 'Customer Sentiment', 'Net Promoter Score (NPS)', '-100', 'High'],
      // a currency for a % KPI: unknown, so no score at all
      ['Beta LLC', '2026-02', 'Business Outcomes', 'Renewal Rate', '$5', 'Medium'],
    ];
    const { report } = await uploadCsv(acme.asAdmin, lines);
    expect(report).toMatchObject({
      status: 'accepted',
      format: 'csv',
      counts: { readings: 11, scored: 10, unknown: 1, warnings: 2, accountsCreated: 3 },
      warnings: [
        {
          sheet: null,
          row: 10,
          column: 'impact',
          account: 'Food & Beverage, Corp',
          kpi: 'Ticket Volume',
          code: 'impact',
          message: 'impact is empty: counted as Medium',
        },
        { sheet: null, row: 12, column: null, account: 'Beta LLC', kpi: 'Renewal Rate', code: 'unit_mismatch' },
      ],
    });
    expect(report.accounts.map((a) => a.name)).toEqual(['Acme Corp', 'Food & Beverage, Corp', 'Beta LLC']);
    expect(report.versions.map((v) => [v.account, v.period, v.version, v.readings])).toEqual([
      ['Acme Corp', '2026-01', 1, 4],
      ['Acme Corp', '2026-02', 1, 4],
      ['Food & Beverage, Corp', '2026-01', 1, 1],
      ['Food & Beverage, Corp', '2026-02', 1, 1],
      ['Beta LLC', '2026-02', 1, 1],
    ]);
    const id = (name: string) => report.accounts.find((a) => a.name === name)?.id as string;
    const h = (name: string, period: string) => acme.asMember.health.account({ accountId: id(name), period });
    expect((await h('Acme Corp', '2026-01'))?.overall).toBeCloseTo(README_OVERALL, 9);
    expect((await h('Acme Corp', '2026-01'))?.tier).toBe('at_risk');
    expect((await h('Acme Corp', '2026-02'))?.overall).toBeCloseTo(81.85, 9);
    expect((await h('Acme Corp', '2026-02'))?.tier).toBe('healthy');
    expect(await h('Food & Beverage, Corp', '2026-01')).toMatchObject({ overall: 67, tier: 'at_risk', coverage: 1 });
    expect(await h('Food & Beverage, Corp', '2026-02')).toMatchObject({ overall: 0, tier: 'critical' });
    expect(await h('Beta LLC', '2026-02')).toMatchObject({ overall: null, tier: 'unknown', coverage: 0, scoredCount: 0, readingCount: 1 });
    // Each account row carries its latest period's health.
    expect((await acme.asMember.accounts.byId({ id: id('Acme Corp') })).health.period).toBe('2026-02');
    expect((await acme.asMember.accounts.byId({ id: id('Acme Corp') })).health.overall).toBeCloseTo(81.85, 9);

    const readings = await readingsOf(acme, id('Acme Corp'), '2026-01');
    // "30 minutes" for an hours KPI: stored as text, converted value 0.5 hours, scored 91.75
    expect(readings.get('First Response Time')).toMatchObject({ raw: '30 minutes', value: 0.5, unit: 'hours', score: 91.75, impact: 'Medium' });
    expect(readings.get('Feature Adoption Rate')).toMatchObject({ raw: '66%', value: 66, unit: 'percent', score: 50, impact: 'Low' });
    // A missing impact is stored as Medium.
    expect((await readingsOf(acme, id('Food & Beverage, Corp'), '2026-01')).get('Ticket Volume')).toMatchObject({ impact: 'Medium', value: 100, unit: null });
  });

  it('re-uploading an account period replaces its readings, records version 2 and keeps the earlier upload listed', async () => {
    const first = await uploadCsv(acme.asAdmin, [...readmeExample('Acme Corp', '2026-01'), ...readmeExample('Acme Corp', '2026-02')]);
    const accountId = first.report.accounts[0]?.id as string;
    // Only 2026-01 again, with one reading: 100% → 100, overall 100 (only Product Usage is scored).
    const second = await uploadCsv(acme.asAdmin, [['acme corp', '2026-01', 'Product Usage', 'Customer Retention Rate', '100%', 'High']]);
    expect(second.report).toMatchObject({
      status: 'accepted',
      counts: { readings: 1, accountsCreated: 0 },
      accounts: [{ id: accountId, name: 'Acme Corp', created: false }],
      versions: [{ accountId, period: '2026-01', version: 2, readings: 1 }],
    });
    const jan = await readingsOf(acme, accountId, '2026-01');
    expect([...jan.values()].map((r) => [r.kpi, r.raw, r.uploadId])).toEqual([['Customer Retention Rate', '100%', second.uploadId]]);
    const feb = await readingsOf(acme, accountId, '2026-02');
    expect([...feb.values()].every((r) => r.uploadId === first.uploadId)).toBe(true);
    expect(feb.size).toBe(4);
    expect(await acme.asMember.health.account({ accountId, period: '2026-01' })).toMatchObject({ overall: 100, tier: 'healthy', readingCount: 1 });
    expect((await acme.asMember.health.account({ accountId, period: '2026-02' }))?.overall).toBeCloseTo(README_OVERALL, 9);

    const third = await uploadCsv(acme.asAdmin, readmeExample('Acme Corp', '2026-01'));
    expect(third.report.versions).toMatchObject([{ period: '2026-01', version: 3 }]);
    const versions = await handle.db
      .selectFrom('kpi_upload_versions')
      .select(['upload_id', 'period', 'version', 'reading_count'])
      .where('tenant_id', '=', acme.tenant.id)
      .orderBy('period')
      .orderBy('version')
      .execute();
    expect(versions).toEqual([
      { upload_id: first.uploadId, period: '2026-01', version: 1, reading_count: 4 },
      { upload_id: second.uploadId, period: '2026-01', version: 2, reading_count: 1 },
      { upload_id: third.uploadId, period: '2026-01', version: 3, reading_count: 4 },
      { upload_id: first.uploadId, period: '2026-02', version: 1, reading_count: 4 },
    ]);
    const listed = await acme.asMember.uploads.list({});
    expect(listed.items.map((u) => u.id)).toEqual([third.uploadId, second.uploadId, first.uploadId]);
    expect((await acme.asMember.uploads.list({ accountId })).items).toHaveLength(3);
    expect((await acme.asMember.uploads.byId({ id: storedId(first) })).report.versions).toMatchObject([{ version: 1 }, { version: 1 }]);
    expect(await stored(acme.tenant.id)).toMatchObject({ accounts: 1, uploads: 3, versions: 4, readings: 8, health: 2 });
  });

  it('keeps product-level readings out of the account score and gives the product its own health', async () => {
    const lines: Line[] = [
      ...readmeExample('Acme Corp', '2026-01'),
      // Customer Retention Rate 71% = r: risk 34 + 0 = 34, for the Mobile product only
      ['Acme Corp', '2026-01', 'Product Usage', 'Customer Retention Rate', '71%', 'High'],
    ];
    const { report } = await uploadCsv(acme.asAdmin, lines, {}, { header: ['product'], rows: [[''], [''], [''], [''], ['Mobile']] });
    expect(report.counts).toMatchObject({ readings: 5, scored: 5 });
    const accountId = report.accounts[0]?.id as string;
    expect(await acme.asMember.health.account({ accountId })).toMatchObject({ readingCount: 4, scoredCount: 4 });
    expect((await acme.asMember.health.account({ accountId }))?.overall).toBeCloseTo(README_OVERALL, 9);
    expect(await acme.asMember.accounts.products({ accountId })).toEqual([{ id: expect.any(String), name: 'Mobile' }]);
    const product = await handle.db
      .selectFrom('account_health')
      .select(['overall', 'tier', 'reading_count'])
      .where('tenant_id', '=', acme.tenant.id)
      .where('product_id', 'is not', null)
      .execute();
    expect(product).toEqual([{ overall: 34, tier: 'critical', reading_count: 1 }]);
    const explained = await acme.asMember.health.explain({ accountId });
    expect(explained.readings.filter((r) => r.product === 'Mobile')).toMatchObject([{ kpi: 'Customer Retention Rate', raw: '71%', score: 34 }]);
  });

  it('accepts value problems with warnings: unparseable, unit mismatch and unknown KPI are stored as unknown', async () => {
    const { uploadId, report } = await uploadCsv(acme.asAdmin, [
      ['Acme Corp', '2026-01', 'Support', 'Ticket Volume', 'lots', 'Medium'],
      ['Acme Corp', '2026-01', 'Support', 'Escalation Rate', '20 hours', 'High'],
      ['Acme Corp', '2026-01', 'Support', 'Happiness Index', '5', 'Low'],
      ['Acme Corp', '2026-01', 'Support', 'Ticket Backlog', '', 'Low'],
      // First Response Time "30 minutes" → 91.75 (README example)
      ['Acme Corp', '2026-01', 'Support', 'First Response Time', '30 minutes', 'Medium'],
    ]);
    expect(report).toMatchObject({
      status: 'accepted',
      problems: [],
      counts: { readings: 5, scored: 1, unknown: 4, warnings: 4 },
      warnings: [
        { row: 2, kpi: 'Ticket Volume', code: 'unparseable', message: 'Cannot read "lots" as a number' },
        { row: 3, kpi: 'Escalation Rate', code: 'unit_mismatch', message: '"20 hours" is in hours, but Escalation Rate is measured in %' },
        { row: 4, kpi: 'Happiness Index', code: 'unknown_kpi' },
        { row: 5, kpi: 'Ticket Backlog', code: 'unparseable', message: 'Value is empty' },
      ],
    });
    const accountId = report.accounts[0]?.id as string;
    const r = await readingsOf(acme, accountId, '2026-01');
    expect(r.get('Ticket Volume')).toMatchObject({ raw: 'lots', value: null, unit: null, status: 'unknown', score: null });
    expect(r.get('Escalation Rate')).toMatchObject({ raw: '20 hours', value: 20, unit: 'hours', status: 'unknown', score: null });
    expect(r.get('Happiness Index')).toMatchObject({ raw: '5', value: 5, unit: null, status: 'unknown', score: null });
    expect(r.get('Ticket Backlog')).toMatchObject({ raw: '', status: 'unknown' });
    expect((await acme.asMember.kpis.list({ status: 'unknown' })).items).toHaveLength(4);
    // Only First Response Time is scored: Support = 91.75, overall 91.75, coverage 1/5.
    expect(await acme.asMember.health.account({ accountId })).toMatchObject({ overall: 91.75, tier: 'healthy', coverage: 0.2 });
    expect((await acme.asMember.uploads.byId({ id: storedId({ uploadId }) })).report).toEqual(report);
  });
});

describe('value text', () => {
  it('reads signs, spaced suffixes and accounting negatives; a decimal comma is a value warning, never 1234', async () => {
    const { report } = await uploadCsv(acme.asAdmin, [
      ['Acme Corp', '2026-01', 'Support', 'Ticket Volume', '12,34', 'High'],
      ['Acme Corp', '2026-01', 'Support', 'Support Cost per Ticket', '+$5K', 'High'],
      ['Acme Corp', '2026-01', 'Business Outcomes', 'Cost Savings', '$(1,200)', 'High'],
      ['Acme Corp', '2026-01', 'Business Outcomes', 'Customer Lifetime Value (CLV)', '2.5 K', 'High'],
      ['Acme Corp', '2026-01', 'Customer Sentiment', 'Net Promoter Score (NPS)', '(5)', 'High'],
      ['Acme Corp', '2026-01', 'Business Outcomes', 'Expansion Revenue Rate', '+3', 'High'],
    ]);
    expect(report).toMatchObject({
      status: 'accepted',
      counts: { readings: 6, scored: 5, unknown: 1, warnings: 1 },
      warnings: [
        {
          row: 2,
          kpi: 'Ticket Volume',
          code: 'unparseable',
          message: expect.stringMatching(/^Cannot read "12,34" as a number: a comma separates thousands only/),
        },
      ],
    });
    const r = await readingsOf(acme, report.accounts[0]?.id as string, '2026-01');
    expect([...r.values()].map((x) => [x.kpi, x.raw, x.value, x.unit, x.status === 'unknown']).sort()).toEqual([
      ['Cost Savings', '$(1,200)', -1200, 'currency', false],
      ['Customer Lifetime Value (CLV)', '2.5 K', 2500, null, false],
      ['Expansion Revenue Rate', '+3', 3, null, false],
      ['Net Promoter Score (NPS)', '(5)', -5, null, false],
      ['Support Cost per Ticket', '+$5K', 5000, 'currency', false],
      ['Ticket Volume', '12,34', null, null, true],
    ]);
  });
});

describe('rejected uploads', () => {
  const header = ['account', 'period', 'category', 'kpi', 'value'];

  it('reports every structural problem with row and column and stores nothing but the rejected upload', async () => {
    const cases: { label: string; fd: FormData; problems: object[] }[] = [
      {
        label: 'unknown column and missing column',
        fd: formData(
          {},
          {
            name: 'a.csv',
            bytes: csv([
              ['Account', 'period', 'category', 'kpi', 'colour'],
              ['Acme', '2026-01', 'Support', 'Ticket Volume', 'red'],
            ]),
          },
        ),
        problems: [
          { row: 1, column: 'colour', message: expect.stringMatching(/^Unknown column 'colour'/) },
          { row: 1, column: 'value', message: "Missing required column 'value'" },
        ],
      },
      {
        label: 'bad rows, every one listed',
        fd: formData(
          {},
          {
            name: 'rows.csv',
            bytes: csv([
              header,
              ['Acme', '2026-13', 'Support', 'Ticket Volume', '5'],
              ['Acme', '26-01', 'Support', 'Ticket Backlog', '5'],
              ['', '2026-01', 'Support', 'Escalation Rate', '5'],
              ['Acme', '2026-01', 'Support', 'First Response Time', '5'],
            ]),
          },
        ),
        problems: [
          { row: 2, column: 'period', message: expect.stringMatching(/Period '2026-13' is not a valid month/) },
          { row: 3, column: 'period', message: expect.stringMatching(/Period '26-01' is not a valid month/) },
          { row: 4, column: 'account', message: 'account is empty' },
        ],
      },
      {
        label: 'names longer than an account or product may be',
        fd: formData(
          {},
          {
            name: 'long.csv',
            bytes: csv([
              [...header, 'product'],
              ['Acme', '2026-01', 'Support', 'Ticket Volume', '5', 'P'.repeat(201)],
              ['A'.repeat(201), '2026-01', 'Support', 'Ticket Volume', '5', ''],
              ['A'.repeat(201), '2026-02', 'Support', 'Ticket Volume', '5', ''],
            ]),
          },
        ),
        problems: [
          { row: 2, column: 'product', message: 'The product name is longer than 200 characters.' },
          { row: 3, column: 'account', message: 'The account name is longer than 200 characters.' },
        ],
      },
      {
        label: 'workbook with a bad period',
        fd: formData({ period: '2026-13' }, { name: 'w.xlsx', bytes: readSample('workbooks/automotive_solutions_kpis.xlsx') }),
        problems: [{ row: null, column: 'period', message: expect.stringMatching(/2026-13/) }],
      },
      {
        label: 'the customer-profile workbook',
        fd: formData({ period: '2026-01' }, { name: 'profiles.xlsx', bytes: readSample('customer-profile.xlsx') }),
        problems: [
          {
            sheet: 'Customer Profile Input',
            row: null,
            column: null,
            message: expect.stringMatching(/^This is a customer-profile workbook .*import it as customer profiles$/),
          },
        ],
      },
    ];
    const ids: string[] = [];
    for (const c of cases) {
      const result = await acme.asAdmin.uploads.create(c.fd);
      const { report } = result;
      expect(report.status, c.label).toBe('rejected');
      expect(report.problems, c.label).toHaveLength(c.problems.length);
      expect(report.problems, c.label).toMatchObject(c.problems);
      expect(report.counts, c.label).toEqual({ readings: 0, scored: 0, unknown: 0, warnings: 0, accountsCreated: 0 });
      expect((await acme.asMember.uploads.byId({ id: storedId(result) })).report, c.label).toEqual(report);
      ids.push(storedId(result));
    }
    expect(await stored(acme.tenant.id)).toEqual({ accounts: 0, products: 0, uploads: cases.length, versions: 0, readings: 0, health: 0 });
    const listed = await acme.asMember.uploads.list({ status: 'rejected' });
    expect(listed.items.map((u) => u.id).sort()).toEqual([...ids].sort());
    expect((await acme.asMember.uploads.list({ status: 'accepted' })).items).toEqual([]);
    // A workbook's period is kept with the upload, but a bad one is not stored as if it were a month.
    const periodOf = async (label: string) => (await acme.asMember.uploads.byId({ id: ids[cases.findIndex((c) => c.label === label)] as string })).period;
    expect(await periodOf('workbook with a bad period')).toBeNull();
    const profileUpload = await acme.asMember.uploads.byId({ id: ids[cases.findIndex((c) => c.label === 'the customer-profile workbook')] as string });
    expect(profileUpload.report.customerProfiles).toBe(true);
    expect((await acme.asMember.uploads.byId({ id: ids[0] as string })).report.customerProfiles).toBeUndefined();
    const actions = await handle.db
      .selectFrom('activity_log')
      .select('action')
      .where('tenant_id', '=', acme.tenant.id)
      .where('resource_type', '=', 'upload')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(cases.map(() => 'upload.reject'));
  });

  it('reports line problems, over-long names and unknown accounts together', async () => {
    const { report } = await uploadCsv(
      acme.asAdmin,
      [
        ['Zed Ltd', '2026-13', 'Support', 'Ticket Volume', '5', 'High'],
        ['A'.repeat(201), '2026-01', 'Support', 'Ticket Volume', '5', 'High'],
        ['Yak Inc', '2026-01', 'Support', 'Ticket Volume', '12,34', 'High'],
      ],
      { createAccounts: 'false' },
    );
    expect(report.status).toBe('rejected');
    expect(report.problems).toEqual([
      { sheet: null, row: 2, column: 'period', message: "Period '2026-13' is not a valid month (expected YYYY-MM, year 2000-2100)" },
      { sheet: null, row: 3, column: 'account', message: 'The account name is longer than 200 characters.' },
      { sheet: null, row: 3, column: 'account', message: `Unknown account "${'A'.repeat(201)}" (this upload may not create accounts).` },
      { sheet: null, row: 4, column: 'account', message: 'Unknown account "Yak Inc" (this upload may not create accounts).' },
    ]);
    expect(await stored(acme.tenant.id)).toMatchObject({ accounts: 0, readings: 0 });
  });

  it('finds a reading repeated batches after its first line (the keys are kept in the database) and stores nothing', async () => {
    // 6,000 readings, 3 KPIs × 2,000 accounts: lines 2 to 6001; rows are checked 5,000 lines at a time.
    const lines = ['account,period,category,kpi,value'];
    for (let a = 0; a < 2000; a++) for (let k = 0; k < 3; k++) lines.push(`Account ${a},2026-01,Support,KPI ${k},5`);
    // Line 6002 repeats line 2 (Account 0, KPI 0) in the next batch; line 6003 repeats line 6001 (Account 1999, KPI 2).
    lines.push('ACCOUNT 0,2026-01,Support,kpi 0,6', 'Account 1999,2026-01,Support,KPI 2,7');
    const { uploadId, report } = await acme.asAdmin.uploads.create(formData({}, { name: 'repeat.csv', bytes: `${lines.join('\n')}\n` }));
    expect(report.status).toBe('rejected');
    expect(report.problems).toEqual([
      { sheet: null, row: 6002, column: 'kpi', message: "Duplicate reading: account 'ACCOUNT 0', period 2026-01, KPI 'kpi 0' is already on line 2" },
      { sheet: null, row: 6003, column: 'kpi', message: "Duplicate reading: account 'Account 1999', period 2026-01, KPI 'KPI 2' is already on line 6001" },
    ]);
    expect(await stored(acme.tenant.id)).toMatchObject({ accounts: 0, uploads: 1, readings: 0 });
    // The same file without the repeats is accepted in the next transaction: the keys went with the first.
    const again = await acme.asAdmin.uploads.create(formData({}, { name: 'once.csv', bytes: `${lines.slice(0, -2).join('\n')}\n` }));
    expect(again.report).toMatchObject({ status: 'accepted', counts: { readings: 6000 } });
    expect(uploadId).not.toBe(again.uploadId);
  });

  it('refuses files that are not CSV or XLSX content (or too large unpacked) and stores nothing of them', async () => {
    const cases: { label: string; fd: FormData; message: string | RegExp }[] = [
      {
        label: 'garbage bytes',
        fd: formData({}, { name: 'w.xlsx', bytes: Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x80, 0x00, 0x13]) }),
        message: /^Unsupported file type/,
      },
      {
        label: 'a CSV with NUL bytes',
        fd: formData({}, { name: 'nul.csv', bytes: 'account,period,category,kpi,value\nAc\u0000me,2026-01,Support,Ticket Volume,5\n' }),
        message: 'The file is not a text file: it contains NUL bytes.',
      },
      {
        label: 'a truncated workbook',
        fd: formData({ period: '2026-01' }, { name: 'w.xlsx', bytes: readSample('workbooks/automotive_solutions_kpis.xlsx').subarray(0, 600) }),
        message: /^The file is not a readable \.xlsx workbook/,
      },
      { label: 'an empty file', fd: formData({}, { name: 'empty.csv', bytes: '' }), message: 'The file is empty.' },
      {
        label: 'readings in a .txt file',
        fd: formData({}, { name: 'readings.txt', bytes: csv([header, ['Acme', '2026-01', 'Support', 'Ticket Volume', '5']]) }),
        message: /^Unsupported file type.*Only files named \.csv are read as CSV\.$/,
      },
      {
        label: 'a script sent as JavaScript',
        fd: formData({}, { name: 'x.js', bytes: 'alert(document.cookie)', type: 'application/javascript' }),
        message: /^Unsupported file type/,
      },
      {
        label: 'a zip bomb',
        fd: formData({ period: '2026-01' }, { name: 'bomb.xlsx', bytes: zipBombWorkbook(300) }),
        message: /^The workbook unpacks to \d+ MB, more than the 64 MB Pulse reads/,
      },
    ];
    for (const c of cases) {
      const { uploadId, report } = await acme.asAdmin.uploads.create(c.fd);
      expect(uploadId, c.label).toBeNull();
      expect(report, c.label).toMatchObject({
        status: 'rejected',
        problems: [{ sheet: null, row: null, column: 'file', message: expect.stringMatching(c.message) }],
      });
    }
    expect(await stored(acme.tenant.id)).toEqual({ accounts: 0, products: 0, uploads: 0, versions: 0, readings: 0, health: 0 });
    expect(
      await handle.db.selectFrom('activity_log').select('id').where('tenant_id', '=', acme.tenant.id).where('resource_type', '=', 'upload').execute(),
    ).toEqual([]);
  });

  it("with createAccounts 'false', rejects unknown accounts, all of them, and creates nothing", async () => {
    const known = await acme.asAdmin.accounts.create({ name: 'Acme Corp' });
    const { report } = await uploadCsv(
      acme.asAdmin,
      [
        ['Acme Corp', '2026-01', 'Support', 'Ticket Volume', '5', 'High'],
        ['Zed Ltd', '2026-01', 'Support', 'Ticket Volume', '5', 'High'],
        ['Yak Inc', '2026-01', 'Support', 'Ticket Volume', '5', 'High'],
        ['zed ltd', '2026-02', 'Support', 'Ticket Volume', '5', 'High'],
      ],
      { createAccounts: 'false' },
    );
    expect(report.status).toBe('rejected');
    expect(report.problems).toEqual([
      { sheet: null, row: 3, column: 'account', message: 'Unknown account "Zed Ltd" (this upload may not create accounts).' },
      { sheet: null, row: 4, column: 'account', message: 'Unknown account "Yak Inc" (this upload may not create accounts).' },
    ]);
    const wb = await uploadWorkbook(acme.asAdmin, 'automotive_solutions_kpis.xlsx', '2026-01', { createAccounts: 'false' });
    expect(wb.report.problems).toMatchObject([{ sheet: expect.any(String), column: 'account', message: expect.stringMatching(/Automotive Solutions/) }]);
    expect(await stored(acme.tenant.id)).toEqual({ accounts: 1, products: 0, uploads: 2, versions: 0, readings: 0, health: 0 });

    const ok = await uploadCsv(acme.asAdmin, [['ACME CORP', '2026-01', 'Support', 'Ticket Volume', '100', 'High']], { createAccounts: 'false' });
    expect(ok.report).toMatchObject({ status: 'accepted', accounts: [{ id: known.id, created: false }], counts: { accountsCreated: 0 } });
  });

  it('rejects a request without a file or with bad fields before storing anything', async () => {
    const noFile = await expectTrpcError(acme.asAdmin.uploads.create(formData({ period: '2026-01' })), 'BAD_REQUEST', 'Attach the file to upload.');
    expect((noFile.cause as FieldErrors).fieldErrors).toEqual({ file: ['Attach the file to upload.'] });
    // Field errors are sentences a person can act on, not the validator's own wording.
    const badFields = await expectTrpcError(
      acme.asAdmin.uploads.create(formData({ createAccounts: 'maybe', accountName: 'A'.repeat(201) }, { name: 'a.csv', bytes: 'x' })),
      'BAD_REQUEST',
      'Invalid upload fields.',
    );
    expect((badFields.cause as FieldErrors).fieldErrors).toEqual({
      createAccounts: ['Say true or false for creating accounts.'],
      accountName: ['An account name has at most 200 characters.'],
    });
    await expectTrpcError(
      acme.asAdmin.uploads.create(formData({ tenantId: acme.tenant.id }, { name: 'a.csv', bytes: 'x' })),
      'BAD_REQUEST',
      'Invalid upload fields.',
    );
    expect(await stored(acme.tenant.id)).toMatchObject({ uploads: 0 });
  });
});

describe('uploads.byId', () => {
  it('returns the summary, the checksum and the report of the upload', async () => {
    const bytes = csv([['account', 'period', 'category', 'kpi', 'value', 'impact'], ...readmeExample('Acme Corp', '2026-01')]);
    const { uploadId, report } = await acme.asMember.uploads.create(formData({}, { name: 'jan.csv', bytes, type: 'text/csv' }));
    const got = await acme.asAdmin.uploads.byId({ id: storedId({ uploadId }) });
    expect(got).toMatchObject({
      id: uploadId,
      filename: 'jan.csv',
      format: 'csv',
      sizeBytes: Buffer.byteLength(bytes),
      period: null,
      accountName: 'Acme Corp',
      status: 'accepted',
      uploadedBy: { id: acme.member.id, name: 'Acme Member' },
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(got.report).toEqual(report);
  });
});

describe('a large CSV', () => {
  it('imports 100,000 rows in one upload', async () => {
    // 1,000 accounts × 10 months × 10 percentage KPIs; every value is a valid percentage.
    const kpis = [
      ['Product Usage', 'Customer Retention Rate'],
      ['Product Usage', 'Feature Adoption Rate'],
      ['Product Usage', 'Product Activation Rate'],
      ['Product Usage', 'Onboarding Completion Rate'],
      ['Product Usage', 'Training Participation Rate'],
      ['Support', 'Case Deflection Rate'],
      ['Support', 'Ticket Backlog'],
      ['Customer Sentiment', 'Customer Complaints'],
      ['Business Outcomes', 'Renewal Rate'],
      ['Relationship Strength', 'Audit Results'],
    ] as const;
    const lines = ['account,period,category,kpi,value,impact'];
    for (let a = 0; a < 1000; a++) {
      for (let m = 1; m <= 10; m++) {
        kpis.forEach(([category, kpi], k) =>
          lines.push(`Account ${a},2025-${String(m).padStart(2, '0')},${category},${kpi},${(a * 7 + m * 3 + k) % 101}%,High`),
        );
      }
    }
    const bytes = `${lines.join('\n')}\n`;
    const started = performance.now();
    const { report } = await acme.asAdmin.uploads.create(formData({}, { name: 'big.csv', bytes }));
    console.log(`100,000-row CSV (${(bytes.length / 1e6).toFixed(1)} MB) imported in ${Math.round(performance.now() - started)} ms on ${handle.kind}`);
    expect(report.status).toBe('accepted');
    expect(report.counts).toEqual({ readings: 100_000, scored: 100_000, unknown: 0, warnings: 0, accountsCreated: 1000 });
    expect(report.versions).toHaveLength(10_000);
    expect(await stored(acme.tenant.id)).toEqual({ accounts: 1000, products: 0, uploads: 1, versions: 10_000, readings: 100_000, health: 10_000 });
    expect((await acme.asMember.health.summary()).accounts).toBe(1000);
  }, 300_000);
});
