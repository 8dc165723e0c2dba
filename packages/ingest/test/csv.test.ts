import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/index.js';

const HEADER = 'account,period,category,kpi,value,impact,weight,source,frequency,product';

describe('parseCsv: well-formed files', () => {
  it('reads every column of every line', () => {
    const csv = [
      HEADER,
      'Acme,2025-06,Support,First Response Time,22 hours,High,0.11,System,Daily,',
      'Acme,2025-06,Product Usage,Feature Adoption Rate,68%,low,8%,,Monthly,Mobile App',
      'Globex,2025-07,Business Outcomes,Cost Savings,$39K,,,Survey,,',
    ].join('\n');
    const result = parseCsv(csv);
    expect(result.problems).toEqual([]);
    expect(result.accountName).toBeNull();
    expect(result.rows).toEqual([
      {
        line: 2,
        sheet: null,
        account: 'Acme',
        period: '2025-06',
        category: 'Support',
        kpi: 'First Response Time',
        raw: '22 hours',
        displayed: null,
        impact: 'High',
        weight: 0.11,
        source: 'System',
        frequency: 'Daily',
        product: null,
        warnings: [],
      },
      {
        line: 3,
        sheet: null,
        account: 'Acme',
        period: '2025-06',
        category: 'Product Usage',
        kpi: 'Feature Adoption Rate',
        raw: '68%',
        displayed: null,
        impact: 'Low',
        weight: 0.08,
        source: null,
        frequency: 'Monthly',
        product: 'Mobile App',
        warnings: [],
      },
      {
        line: 4,
        sheet: null,
        account: 'Globex',
        period: '2025-07',
        category: 'Business Outcomes',
        kpi: 'Cost Savings',
        raw: '$39K',
        displayed: null,
        impact: null,
        weight: null,
        source: 'Survey',
        frequency: null,
        product: null,
        warnings: [{ column: 'impact', code: 'impact', message: 'impact is empty: counted as Medium' }],
      },
    ]);
  });

  it('needs only the required columns, in any order, case and spacing', () => {
    const result = parseCsv(' KPI ,Value,ACCOUNT,Period,category\nNPS,42,Acme,2025-01,Customer Sentiment\n');
    expect(result.problems).toEqual([]);
    expect(result.rows).toEqual([
      {
        line: 2,
        sheet: null,
        account: 'Acme',
        period: '2025-01',
        category: 'Customer Sentiment',
        kpi: 'NPS',
        raw: '42',
        displayed: null,
        impact: null,
        weight: null,
        source: null,
        frequency: null,
        product: null,
        warnings: [],
      },
    ]);
  });

  it('strips a byte-order mark from text too', () => {
    expect(parseCsv('\uFEFFaccount,period,category,kpi,value\nAcme,2025-06,Support,MTTR,5').problems).toEqual([]);
  });

  it('strips a byte-order mark and reads CRLF line ends', () => {
    const result = parseCsv(
      Buffer.from('\uFEFFaccount,period,category,kpi,value\r\nAcme,2025-06,Support,MTTR,19 hours\r\nAcme,2025-06,Support,FCR,9\r\n', 'utf8'),
    );
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => [r.line, r.account, r.kpi, r.raw])).toEqual([
      [2, 'Acme', 'MTTR', '19 hours'],
      [3, 'Acme', 'FCR', '9'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, keeping line numbers true', () => {
    const csv = [
      'account,period,category,kpi,value',
      '"Food & Beverage, Corp",2025-06,Support,"Cost per ""Ticket""","$1,200"',
      '"Multi',
      'Line Inc",2025-06,Support,Backlog,3',
      'Acme,2025-06,Support,Backlog,4',
    ].join('\r\n');
    const result = parseCsv(csv);
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => [r.line, r.account, r.kpi, r.raw])).toEqual([
      [2, 'Food & Beverage, Corp', 'Cost per "Ticket"', '$1,200'],
      [3, 'Multi\r\nLine Inc', 'Backlog', '3'],
      [5, 'Acme', 'Backlog', '4'],
    ]);
  });

  it('skips blank lines and keeps counting them', () => {
    const result = parseCsv('account,period,category,kpi,value\n\nAcme,2025-06,Support,MTTR,5\n ,, , ,\nAcme,2025-06,Support,FCR,6\n\n');
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => r.line)).toEqual([3, 5]);
  });

  it('keeps an empty value: it is scored later as unparseable, not rejected', () => {
    const result = parseCsv('account,period,category,kpi,value\nAcme,2025-06,Support,MTTR,\n');
    expect(result.problems).toEqual([]);
    expect(result.rows[0]?.raw).toBe('');
  });

  it('reads 100,000 lines quickly (prints the time)', () => {
    const lines = [HEADER];
    for (let i = 0; i < 100_000; i++) {
      lines.push(`"Account ${i % 500}",2025-${String((i % 12) + 1).padStart(2, '0')},Support,KPI ${Math.floor(i / 500)},${i % 100}%,High,0.1,System,Monthly,`);
    }
    const csv = lines.join('\r\n');
    const started = performance.now();
    const result = parseCsv(csv);
    const ms = performance.now() - started;
    console.log(`parseCsv: 100,000 rows (${(csv.length / 1e6).toFixed(1)} MB) in ${ms.toFixed(0)} ms`);
    expect(result.problems).toEqual([]);
    expect(result.rows).toHaveLength(100_000);
  });
});

describe('parseCsv: impact', () => {
  it('reads High, Medium and Low or H, M and L in any case', () => {
    const lines = ['High', 'medium', 'LOW', 'H', 'm', 'l'].map((impact, i) => `Acme,2025-06,Support,KPI ${i},5,${impact}`);
    const result = parseCsv(['account,period,category,kpi,value,impact', ...lines].join('\n'));
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => [r.impact, r.warnings])).toEqual([
      ['High', []],
      ['Medium', []],
      ['Low', []],
      ['High', []],
      ['Medium', []],
      ['Low', []],
    ]);
  });

  it('counts an unknown or empty impact as Medium with a warning naming the cell, never rejecting the file', () => {
    const result = parseCsv('account,period,category,kpi,value,impact\nAcme,2025-06,Support,MTTR,5,Critical\nAcme,2025-06,Support,FCR,5,\n');
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => [r.line, r.kpi, r.impact, r.warnings])).toEqual([
      [2, 'MTTR', null, [{ column: 'impact', code: 'impact', message: "impact 'Critical' is not High, Medium or Low (or H, M, L): counted as Medium" }]],
      [3, 'FCR', null, [{ column: 'impact', code: 'impact', message: 'impact is empty: counted as Medium' }]],
    ]);
  });

  it('gives no warning when the file has no impact column (every reading is Medium)', () => {
    expect(parseCsv('account,period,category,kpi,value\nAcme,2025-06,Support,MTTR,5\n').rows[0]).toMatchObject({ impact: null, warnings: [] });
  });
});

describe('parseCsv: structural problems', () => {
  const at = (row: number | null, column: string | null): unknown => expect.objectContaining({ sheet: null, row, column });

  it('rejects an empty file', () => {
    expect(parseCsv('').problems).toEqual([at(null, null)]);
    expect(parseCsv('\n\n').problems[0]?.message).toMatch(/header row is required/);
  });

  it('rejects a header without data rows', () => {
    expect(parseCsv('account,period,category,kpi,value\r\n\r\n').problems).toEqual([
      { sheet: null, row: null, column: null, message: 'The file has a header row but no data rows' },
    ]);
  });

  it('rejects bytes that are not UTF-8, such as a Windows-1252 export', () => {
    const latin1 = Buffer.from('account,period,category,kpi,value\nCaf\xe9 Co,2025-06,Support,MTTR,5\n', 'latin1');
    expect(parseCsv(latin1)).toEqual({
      rows: [],
      accountName: null,
      problems: [{ sheet: null, row: null, column: null, message: 'The file is not UTF-8 text: save it as CSV UTF-8 and upload it again' }],
    });
    expect(parseCsv(latin1.toString('latin1')).rows[0]?.account).toBe('Café Co');
  });

  it('names each missing required column', () => {
    const result = parseCsv('Acme,2025-06,Support,MTTR,5\n');
    expect(result.rows).toEqual([]);
    expect(result.problems.filter((p) => p.message.startsWith('Missing required column')).map((p) => p.column)).toEqual([
      'account',
      'period',
      'category',
      'kpi',
      'value',
    ]);
  });

  it('reports unknown, unnamed and duplicate columns', () => {
    const result = parseCsv('account,period,category,kpi,value,Notes,,KPI\nAcme,2025-06,Support,MTTR,5,x,,y\n');
    expect(result.problems).toEqual([
      { sheet: null, row: 1, column: 'Notes', message: expect.stringMatching(/^Unknown column 'Notes'; allowed columns are: account, period/) },
      { sheet: null, row: 1, column: '', message: expect.stringMatching(/^Column 7 has no name/) },
      { sheet: null, row: 1, column: 'KPI', message: "Column 'kpi' appears more than once (columns 4 and 8)" },
    ]);
  });

  it('reports a bad or empty period with its line and column', () => {
    const result = parseCsv('account,period,category,kpi,value\nAcme,2025-13,Support,MTTR,5\nAcme,June 2025,Support,FCR,5\nAcme,,Support,CES,5\n');
    expect(result.rows).toEqual([]);
    expect(result.problems).toEqual([
      { sheet: null, row: 2, column: 'period', message: "Period '2025-13' is not a valid month (expected YYYY-MM, year 2000-2100)" },
      { sheet: null, row: 3, column: 'period', message: "Period 'June 2025' is not a valid month (expected YYYY-MM, year 2000-2100)" },
      { sheet: null, row: 4, column: 'period', message: 'period is empty' },
    ]);
  });

  it('reports empty account, category and kpi', () => {
    const result = parseCsv('account,period,category,kpi,value\n ,2025-06,Support,MTTR,5\nAcme,2025-06,,FCR,5\nAcme,2025-06,Support,,5\n');
    expect(result.rows).toEqual([]);
    expect(result.problems).toEqual([
      { sheet: null, row: 2, column: 'account', message: 'account is empty' },
      { sheet: null, row: 3, column: 'category', message: 'category is empty' },
      { sheet: null, row: 4, column: 'kpi', message: 'kpi is empty' },
    ]);
  });

  it('reports a non-numeric weight', () => {
    const result = parseCsv('account,period,category,kpi,value,impact,weight\nAcme,2025-06,Support,MTTR,5,High,0.1\nAcme,2025-06,Support,FCR,5,High,heavy\n');
    expect(result.rows.map((r) => r.kpi)).toEqual(['MTTR']);
    expect(result.problems).toEqual([{ sheet: null, row: 3, column: 'weight', message: "Weight 'heavy' is not a number" }]);
  });

  it('still checks every line when a required column is missing', () => {
    const result = parseCsv('account,period,kpi,value\nAcme,2025-13,MTTR,5\n,2025-06,FCR,5\nAcme,2025-06,CES,5\n');
    expect(result.rows).toEqual([]);
    expect(result.problems).toEqual([
      { sheet: null, row: 1, column: 'category', message: "Missing required column 'category'" },
      { sheet: null, row: 2, column: 'period', message: "Period '2025-13' is not a valid month (expected YYYY-MM, year 2000-2100)" },
      { sheet: null, row: 3, column: 'account', message: 'account is empty' },
    ]);
  });

  it('reports a line with the wrong number of fields', () => {
    const result = parseCsv('account,period,category,kpi,value\nAcme,2025-06,Support,MTTR\nAcme,2025-06,Support,FCR,5,extra\nAcme,2025-06,Support,CES,5\n');
    expect(result.rows.map((r) => r.kpi)).toEqual(['CES']);
    expect(result.problems).toEqual([
      { sheet: null, row: 2, column: null, message: 'Line has 4 fields, the header has 5' },
      { sheet: null, row: 3, column: null, message: 'Line has 6 fields, the header has 5' },
    ]);
  });

  it('reports the same reading given twice', () => {
    const result = parseCsv(
      'account,period,category,kpi,value,product\nAcme,2025-06,Support,MTTR,5,\nacme,2025-06,Support,mttr,6,\nAcme,2025-06,Support,MTTR,7,App\n',
    );
    expect(result.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(result.problems).toEqual([
      { sheet: null, row: 3, column: 'kpi', message: "Duplicate reading: account 'acme', period 2025-06, KPI 'mttr' is already on line 2" },
    ]);
  });

  it('reports malformed quoting', () => {
    const afterQuote = parseCsv('account,period,category,kpi,value\nAcme,2025-06,Support,"MTTR"x,5\nAcme,2025-06,Support,FCR,5\n');
    expect(afterQuote.rows.map((r) => r.kpi)).toEqual(['FCR']);
    expect(afterQuote.problems).toEqual([{ sheet: null, row: 2, column: null, message: 'Unexpected text after a closing quote in field 4' }]);

    const unclosed = parseCsv('account,period,category,kpi,value\nAcme,2025-06,Support,FCR,5\nAcme,2025-06,"Support,MTTR,5\nAcme,2025-06,Support,CES,5\n');
    expect(unclosed.rows.map((r) => r.kpi)).toEqual(['FCR']);
    expect(unclosed.problems).toEqual([{ sheet: null, row: 3, column: null, message: 'A quoted field starting on line 3 is never closed' }]);
  });

  it('reports every problem of every line together', () => {
    const csv = [
      'account,period,category,kpi,value,impact,weight,colour',
      ',2025-6,Support,MTTR,5,High,0.1,red',
      'Acme,2025-06,,,5,urgent,lots,blue',
      'Acme,2025-06,Support,FCR,5,Low,0.2,green',
      'Acme,2025-06',
    ].join('\n');
    const result = parseCsv(csv);
    expect(result.rows.map((r) => r.kpi)).toEqual(['FCR']);
    expect(result.problems.map((p) => [p.row, p.column])).toEqual([
      [1, 'colour'],
      [2, 'account'],
      [2, 'period'],
      [3, 'category'],
      [3, 'kpi'],
      [3, 'weight'],
      [5, null],
    ]);
  });

  it('lists at most 1000 problems and says how many more there are', () => {
    const lines = ['account,period,category,kpi,value'];
    for (let i = 0; i < 1500; i++) lines.push(`Acme,2025-${i % 2 === 0 ? '00' : '13'},Support,KPI ${i},5`);
    const problems = parseCsv(lines.join('\n')).problems;
    expect(problems).toHaveLength(1001);
    expect(problems[999]).toMatchObject({ row: 1001, column: 'period' });
    expect(problems[1000]).toEqual({ sheet: null, row: null, column: null, message: 'and 500 more problems not listed' });
  });
});
