import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseWorkbook } from '../src/index.js';
import type { ImportRow } from '../src/index.js';
import { CATEGORY_HEADER, SAMPLES, buildWorkbook, sample, toBuffer } from './helpers.js';

const PERIOD = '2025-06';

/** The Company row of each sample workbook's summary sheet. */
const ACCOUNTS = JSON.parse(sample('workbook-companies.json').toString('utf8')) as Record<string, string>;

const ROWS_PER_SHEET = {
  'Product Usage KPI': 14,
  'Support KPI': 11,
  'Customer Sentiment KPI': 5,
  'Business Outcomes KPI': 19,
  'Relationship Strength KPI': 10,
};

function countBySheet(rows: ImportRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.sheet ?? ''] = (counts[row.sheet ?? ''] ?? 0) + 1;
  return counts;
}

function reading(account: string, sheet: string, line: number, fields: Partial<ImportRow>): ImportRow {
  return {
    line,
    sheet,
    account,
    period: PERIOD,
    category: '',
    kpi: '',
    raw: '',
    displayed: null,
    impact: null,
    weight: null,
    source: null,
    frequency: null,
    product: null,
    warnings: [],
    ...fields,
  };
}

describe('parseWorkbook: the sample customer workbooks', () => {
  it('has the 18 samples this suite expects', () => {
    expect(fs.readdirSync(`${SAMPLES}workbooks`).sort()).toEqual(Object.keys(ACCOUNTS).sort());
  });

  for (const [file, account] of Object.entries(ACCOUNTS)) {
    it(`reads ${file} without problems`, async () => {
      const result = await parseWorkbook(sample(`workbooks/${file}`), { period: PERIOD });
      expect(result.problems).toEqual([]);
      expect(result.accountName).toBe(account);
      expect(result.rows).toHaveLength(59);
      expect(countBySheet(result.rows)).toEqual(ROWS_PER_SHEET);
      for (const row of result.rows) {
        expect(row).toMatchObject({ account, period: PERIOD, product: null });
        expect(row.kpi).not.toBe('');
        expect(row.raw).not.toBe('');
        expect(row.impact).not.toBeNull();
        expect(row.weight).toBeGreaterThan(0);
        expect(row.category).toBe(row.sheet?.replace(/ KPI$/, ''));
      }
    });
  }

  it('reads exact values from Automotive Solutions', async () => {
    const { rows } = await parseWorkbook(sample('workbooks/automotive_solutions_kpis.xlsx'), { period: PERIOD });
    const account = 'Automotive Solutions';
    expect(rows[0]).toEqual(
      reading(account, 'Product Usage KPI', 2, {
        category: 'Product Usage',
        kpi: 'Time to First Value (TTFV)',
        raw: '20 hours',
        impact: 'High',
        weight: 0.08,
        source: 'System',
        frequency: 'Weekly',
      }),
    );
    expect(rows.find((r) => r.kpi === 'Support Cost per Ticket')).toEqual(
      reading(account, 'Support KPI', 9, {
        category: 'Support',
        kpi: 'Support Cost per Ticket',
        raw: '$90K',
        impact: 'Low',
        weight: 0.18,
        source: 'OBR',
        frequency: 'Monthly',
      }),
    );
    expect(rows.find((r) => r.kpi === 'Customer Satisfaction (CSAT)')).toEqual(
      reading(account, 'Customer Sentiment KPI', 3, {
        category: 'Customer Sentiment',
        kpi: 'Customer Satisfaction (CSAT)',
        raw: '3.0',
        impact: 'High',
        weight: 0.15,
        source: 'Survey',
        frequency: 'Monthly',
      }),
    );
    expect(rows.at(-1)).toEqual(
      reading(account, 'Relationship Strength KPI', 11, {
        category: 'Relationship Strength',
        kpi: 'Process Improvement Velocity',
        raw: '75%',
        impact: 'Low',
        weight: 0.15,
        source: 'System',
        frequency: 'Quarterly',
      }),
    );
  });

  it('reads exact values from Food & Beverage Corp', async () => {
    const { rows } = await parseWorkbook(sample('workbooks/food_and_beverage_corp_kpis.xlsx'), { period: '2024-12' });
    expect(rows.find((r) => r.kpi === 'Net Promoter Score (NPS)')).toEqual({
      ...reading('Food & Beverage Corp', 'Customer Sentiment KPI', 2, {
        category: 'Customer Sentiment',
        kpi: 'Net Promoter Score (NPS)',
        raw: '3.6',
        impact: 'High',
        weight: 0.14,
        source: 'OBR',
        frequency: 'Quarterly',
      }),
      period: '2024-12',
    });
  });

  it('uses the account name given with the upload over the summary sheet', async () => {
    const named = await parseWorkbook(sample('workbooks/automotive_solutions_kpis.xlsx'), { period: PERIOD, accountName: '  Auto Sol  ' });
    expect(named.accountName).toBe('Auto Sol');
    expect(new Set(named.rows.map((r) => r.account))).toEqual(new Set(['Auto Sol']));
    const blank = await parseWorkbook(sample('workbooks/automotive_solutions_kpis.xlsx'), { period: PERIOD, accountName: ' ' });
    expect(blank.accountName).toBe('Automotive Solutions');
  });

  it('reports a bad period', async () => {
    const result = await parseWorkbook(sample('workbooks/automotive_solutions_kpis.xlsx'), { period: '2025-6' });
    expect(result.problems).toEqual([
      { sheet: null, row: null, column: 'period', message: "Period '2025-6' is not a valid month (expected YYYY-MM, year 2000-2100)" },
    ]);
  });
});

describe('parseWorkbook: the maturity-framework master', () => {
  it('finds headers below a title, reads number formats and keeps empty Data cells', async () => {
    const result = await parseWorkbook(sample('maturity-framework.xlsx'), { period: PERIOD, accountName: 'Framework' });
    expect(result.problems).toEqual([]);
    expect(result.rows).toHaveLength(59);
    expect(result.rows[0]).toEqual(
      reading('Framework', 'Product Usage KPI', 4, {
        category: 'Product Usage & Onboarding',
        kpi: 'Time to First Value (TTFV)',
        raw: '9.00',
        impact: 'High',
        weight: 0.3,
        source: 'CSR',
        frequency: 'Per Customer',
      }),
    );
    expect(result.rows.filter((r) => r.raw !== '')).toHaveLength(14);
    expect(result.rows.find((r) => r.sheet === 'Customer Sentiment KPI' && r.line === 8)).toMatchObject({ kpi: 'Customer sentiment Trends', raw: '' });
  });

  it('reports that it names no account when the upload names none', async () => {
    const result = await parseWorkbook(sample('maturity-framework.xlsx'), { period: PERIOD });
    expect(result.accountName).toBeNull();
    expect(result.problems).toEqual([
      {
        sheet: 'Health Score Components',
        row: null,
        column: null,
        message: "No account name: the upload names none and the summary sheet 'Health Score Components' has no 'Company' row with a name next to it",
      },
    ]);
  });
});

describe('parseWorkbook: cells and headers', () => {
  it('shows numbers as formatted, flattens rich text, uses formula results and reads spelling variants of headers', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Summary').addRows([['Company', 'Initech']]);
    const sheet = workbook.addWorksheet('Support');
    sheet.addRows([
      ['Notes about this sheet'],
      ['health score  COMPONENT', 'weight', 'KPI / Parameter', ' Data ', 'impact', 'Frequency', 'Source'],
      ['Support', 0.2, 'Renewal Rate', 0.93, 'high', 'Monthly', 'CSR'],
      ['Support', '10%', 'Cost Savings', 97000, 'Medium', null, null],
      ['Support', null, 'NPS', { richText: [{ text: '4' }, { text: '2', font: { bold: true } }] }, null, null, null],
      ['Support', null, 'Ticket Volume', { formula: 'B1*2', result: 179 }, null, null, null],
      ['Support', null, 'Last Review', new Date(Date.UTC(2025, 4, 31)), null, null, null],
      ['Support', null, 'Adopted', true, null, null, null],
      ['Support', null, 'Backlog', 1234.5, null, null, null],
      [null, null, 'Ignored: no first cell', '1', null, null, null],
      ['Support', null, 'Unfilled', null, null, null, null],
    ]);
    sheet.getCell('D3').numFmt = '0%';
    sheet.getCell('D4').numFmt = '"$"#,##0';
    sheet.getCell('D9').numFmt = '#,##0.00';
    workbook.addWorksheet('Rollup').addRows([['Company', 'Initech']]);

    const result = await parseWorkbook(await toBuffer(workbook), { period: PERIOD });
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => [r.line, r.kpi, r.raw])).toEqual([
      [3, 'Renewal Rate', '93%'],
      [4, 'Cost Savings', '$97,000'],
      [5, 'NPS', '42'],
      [6, 'Ticket Volume', '179'],
      [7, 'Last Review', '2025-05-31'],
      [8, 'Adopted', 'TRUE'],
      [9, 'Backlog', '1,234.50'],
      [11, 'Unfilled', ''],
    ]);
    expect(result.rows[0]).toMatchObject({ category: 'Support', impact: 'High', weight: 0.2, frequency: 'Monthly', source: 'CSR' });
    expect(result.rows[1]).toMatchObject({ impact: 'Medium', weight: 0.1, frequency: null, source: null });
  });

  it('reads a numeric cell as its exact number, takes only the unit from its format and keeps the shown text when it differs', async () => {
    const cells: [kpi: string, value: number, numFmt: string][] = [
      ['Rounded to one decimal', 3.85, '0.0'],
      ['Rounded to a whole number', 1234.5, '#,##0'],
      ['Percent', 0.93, '0%'],
      ['Percent rounded', 0.935, '0%'],
      ['Percent with decimals', 0.12345, '0.00%'],
      ['Currency', 1200.4, '"$"#,##0'],
      ['Currency in thousands', 97400, '$#,##0,"K"'],
      ['Hours', 27, '0" hours"'],
      ['Hours rounded', 27.5, '0" hours"'],
      ['Other literal', 5, '0" pts"'],
      ['Negative in parentheses', -5, '#,##0;(#,##0)'],
      ['Negative currency', -1200, '$#,##0;($#,##0)'],
      ['Negative currency rounded', -1200.5, '$#,##0;($#,##0)'],
      ['Tiny', 0.0000001, 'General'],
      ['Float noise', 0.1 + 0.2, 'General'],
    ];
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Summary').addRows([['Company', 'Initech']]);
    const sheet = workbook.addWorksheet('Support KPI');
    sheet.addRows([CATEGORY_HEADER, ...cells.map(([kpi, value]) => ['Support', 0.1, value, 'CSR', kpi, 'High', 'Monthly'])]);
    cells.forEach(([, , numFmt], i) => {
      sheet.getCell(`C${i + 2}`).numFmt = numFmt;
    });
    workbook.addWorksheet('Rollup');
    const result = await parseWorkbook(await toBuffer(workbook), { period: PERIOD });
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => [r.kpi, r.raw, r.displayed])).toEqual([
      ['Rounded to one decimal', '3.85', '3.9'],
      ['Rounded to a whole number', '1234.5', '1,235'],
      ['Percent', '93%', null],
      // 0.935 × 100 = 93.5 by moving the decimal point, with no floating-point step.
      ['Percent rounded', '93.5%', '94%'],
      ['Percent with decimals', '12.345%', '12.35%'],
      ['Currency', '$1200.4', '$1,200'],
      ['Currency in thousands', '$97400', '$97K'],
      ['Hours', '27 hours', null],
      ['Hours rounded', '27.5 hours', '28 hours'],
      ['Other literal', '5', '5 pts'],
      ['Negative in parentheses', '(5)', null],
      ['Negative currency', '($1,200)', null],
      ['Negative currency rounded', '-$1200.5', '($1,201)'],
      ['Tiny', '0.0000001', '1e-7'],
      ['Float noise', '0.3', null],
    ]);
  });

  it('gives every row of a merged category cell its category', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Summary').addRows([['Company', 'Initech']]);
    const sheet = workbook.addWorksheet('Support KPI');
    sheet.addRows([CATEGORY_HEADER, ['Support', 0.1, '5', 'CSR', 'MTTR', 'High', 'Daily'], [null, 0.1, '6', 'CSR', 'FCR', 'High', 'Daily']]);
    sheet.mergeCells('A2:A3');
    workbook.addWorksheet('Rollup');
    const result = await parseWorkbook(await toBuffer(workbook), { period: PERIOD });
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => [r.kpi, r.category])).toEqual([
      ['MTTR', 'Support'],
      ['FCR', 'Support'],
    ]);
  });
});

describe('parseWorkbook: structural problems', () => {
  it('recognises the customer-profile workbook and says to import it as profiles', async () => {
    const result = await parseWorkbook(sample('customer-profile.xlsx'), { period: PERIOD });
    expect(result).toEqual({
      rows: [],
      accountName: null,
      layout: 'customer_profiles',
      problems: [
        {
          sheet: 'Customer Profile Input',
          row: null,
          column: null,
          message: "This is a customer-profile workbook (it has a 'Customer Profile Input' sheet), not KPI readings: import it as customer profiles",
        },
      ],
    });
  });

  it('rejects bytes that are not a workbook', async () => {
    const result = await parseWorkbook(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x42]), { period: PERIOD });
    expect(result.rows).toEqual([]);
    expect(result.accountName).toBeNull();
    expect(result.problems).toEqual([
      { sheet: null, row: null, column: null, message: 'The file is not a readable .xlsx workbook: it is not a zip-based Excel file' },
    ]);
  });

  it('rejects a CSV file and says to upload it as CSV', async () => {
    const result = await parseWorkbook(Buffer.from('account,period,category,kpi,value\nAcme,2025-06,Support,MTTR,5\n'), { period: PERIOD });
    expect(result.problems).toEqual([
      { sheet: null, row: null, column: null, message: 'The file is not a readable .xlsx workbook: it is a text (CSV) file; upload it as CSV instead' },
    ]);
  });

  it('rejects a damaged zip file', async () => {
    const damaged = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    const result = await parseWorkbook(damaged, { period: PERIOD });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toMatch(/^The file is not a readable \.xlsx workbook: ./);
  });

  it('needs a summary, a category and a rollup sheet', async () => {
    const result = await parseWorkbook(await buildWorkbook({ 'Support KPI': [CATEGORY_HEADER, ['Support', 0.1, '5', 'CSR', 'MTTR', 'High', 'Daily']] }), {
      period: PERIOD,
    });
    expect(result.rows).toEqual([]);
    expect(result.problems).toEqual([
      { sheet: null, row: null, column: null, message: 'The workbook has 1 sheet; expected a summary sheet, at least one category sheet and a rollup sheet' },
    ]);
  });

  it('names the sheet and column when a required column is missing', async () => {
    const header = CATEGORY_HEADER.filter((h) => h !== 'Data');
    const file = await buildWorkbook({
      Summary: [['Company', 'Initech']],
      'Support KPI': [header, ['Support', 0.1, 'CSR', 'MTTR', 'High', 'Daily']],
      'Sentiment KPI': [CATEGORY_HEADER, ['Customer Sentiment', 0.1, '42', 'Survey', 'NPS', 'High', 'Quarterly']],
      Rollup: [],
    });
    const result = await parseWorkbook(file, { period: PERIOD });
    expect(result.problems).toEqual([{ sheet: 'Support KPI', row: 1, column: 'Data', message: "Sheet 'Support KPI' has no 'Data' column in its header row" }]);
    expect(result.rows.map((r) => r.kpi)).toEqual(['NPS']);
  });

  it('reports a workbook whose category sheets hold no KPI rows', async () => {
    const file = await buildWorkbook({ Summary: [['Company', 'Initech']], 'Support KPI': [CATEGORY_HEADER], Rollup: [] });
    const result = await parseWorkbook(file, { period: PERIOD });
    expect(result.problems).toEqual([{ sheet: null, row: null, column: null, message: 'The workbook has no KPI rows in its category sheets' }]);
  });

  it('reports a category sheet without a header row', async () => {
    const file = await buildWorkbook({
      Summary: [['Company', 'Initech']],
      Notes: [
        ['KPI', 'Data'],
        ['MTTR', '5'],
      ],
      Rollup: [],
    });
    const result = await parseWorkbook(file, { period: PERIOD });
    expect(result.problems).toEqual([
      {
        sheet: 'Notes',
        row: null,
        column: 'Health Score Component',
        message: "Sheet 'Notes' has no header row (a row whose first cell is 'Health Score Component')",
      },
    ]);
  });

  it('reports every bad row: empty KPI, bad weight, a KPI given twice; an unknown impact is only a warning', async () => {
    const file = await buildWorkbook({
      Summary: [['Company', 'Initech']],
      'Support KPI': [
        CATEGORY_HEADER,
        ['Support', 0.1, '5', 'CSR', null, 'High', 'Daily'],
        ['Support', 0.1, '6', 'CSR', 'MTTR', 'Severe', 'Daily'],
        ['Support', 'a lot', '7', 'CSR', 'FCR', 'High', 'Daily'],
        ['Support', 0.1, '8', 'CSR', 'CES', 'High', 'Daily'],
      ],
      'Sentiment KPI': [CATEGORY_HEADER, ['Customer Sentiment', 0.1, '9', 'Survey', 'ces', 'Low', 'Monthly']],
      Rollup: [],
    });
    const result = await parseWorkbook(file, { period: PERIOD });
    expect(result.rows.map((r) => r.kpi)).toEqual(['MTTR', 'CES']);
    expect(result.rows[0]).toMatchObject({
      line: 3,
      impact: null,
      warnings: [{ column: 'Impact Level', code: 'impact', message: "Impact Level 'Severe' is not High, Medium or Low (or H, M, L): counted as Medium" }],
    });
    expect(result.problems).toEqual([
      { sheet: 'Support KPI', row: 2, column: 'KPI/Parameter', message: 'KPI/Parameter is empty' },
      { sheet: 'Support KPI', row: 4, column: 'Weight', message: "Weight 'a lot' is not a number" },
      { sheet: 'Sentiment KPI', row: 2, column: 'KPI/Parameter', message: "KPI 'ces' appears twice: it is already on sheet 'Support KPI' row 5" },
    ]);
  });
});
