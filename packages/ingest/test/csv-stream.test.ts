import { describe, expect, it } from 'vitest';
import { CsvStream, parseCsv, type ReadingKeyStore } from '../src/index.js';

/** A key store in memory, as the database's (repos/uploads.ts, recordReadingKeys) answers. */
function keyStore(): ReadingKeyStore {
  const seen = new Map<string, number>();
  return (keys, lines) => {
    const earlier = new Map(keys.flatMap((key) => (seen.has(key) ? [[key, seen.get(key) as number] as const] : [])));
    keys.forEach((key, i) => {
      if (!seen.has(key)) seen.set(key, lines[i] as number);
    });
    return Promise.resolve(earlier);
  };
}

/** Feeds bytes to a CsvStream in chunks of the given size, checking keys every batchLines lines, and gathers what it reads. */
async function stream(bytes: Buffer, chunkSize: number, batchLines?: number) {
  const csv = new CsvStream(keyStore(), batchLines);
  const rows = [];
  for (let at = 0; at < bytes.length; at += chunkSize) rows.push(...(await csv.write(bytes.subarray(at, at + chunkSize))));
  const end = await csv.end();
  return { rows: [...rows, ...end.rows], problems: end.problems, accountName: null };
}

const FILES: Record<string, string> = {
  'well formed, BOM and CRLF':
    '\uFEFFaccount,period,category,kpi,value,impact\r\nAcme,2025-06,Support,MTTR,19 hours,High\r\nAcme,2025-06,Support,FCR,9,Critical\r\n',
  'quoted fields with line breaks and non-ASCII text':
    'account,period,category,kpi,value\r\n"Café, Ünïcode ✓",2025-06,Support,"Cost per ""Ticket""","$1,200"\r\n"Multi\r\nLine Inc",2025-06,Support,Backlog,3\r',
  'blank lines': 'account,period,category,kpi,value\n\nAcme,2025-06,Support,MTTR,5\n ,, , ,\nAcme,2025-06,Support,FCR,6\n\n',
  'every problem of every line':
    'account,period,category,kpi,value,impact,weight,colour\n,2025-6,Support,MTTR,5,High,0.1,red\nAcme,2025-06,,,5,urgent,lots,blue\nAcme,2025-06,Support,FCR,5,Low,0.2,green\nAcme,2025-06',
  'text after a closing quote': 'account,period,category,kpi,value\nAcme,2025-06,Support,"MTTR"x,5\nAcme,2025-06,Support,FCR,5\n',
  'an unclosed quote': 'account,period,category,kpi,value\nAcme,2025-06,Support,FCR,5\nAcme,2025-06,"Support,MTTR,5\nAcme,2025-06,Support,CES,5\n',
  'a malformed header': 'account,"period"x,category,kpi,value\nAcme,2025-06,Support,FCR,5\n',
  'a duplicate reading': 'account,period,category,kpi,value,product\nAcme,2025-06,Support,MTTR,5,\nacme,2025-06,Support,mttr,6,\n',
  'duplicates of lines with problems, between other problems':
    'account,period,category,kpi,value,weight\nAcme,2025-06,Support,MTTR,5,heavy\nAcme,2025-13,Support,FCR,5,\nACME,2025-06,Support,mttr,6,\nAcme,2025-06,,CES,5,\nacme,2025-06,Support,MTTR,7,\nAcme,2025-06,Support,"MTTR"x,5,\n',
  'a header without data rows': 'account,period,category,kpi,value\r\n\r\n',
  'nothing but blank lines': '\n\n',
};

describe('CsvStream', () => {
  for (const [name, text] of Object.entries(FILES)) {
    it(`reads ${name} as parseCsv does, in chunks of any size`, async () => {
      const bytes = Buffer.from(text, 'utf8');
      const whole = parseCsv(bytes);
      for (const size of [1, 2, 7, bytes.length]) {
        for (const batchLines of [1, 2, 5000]) expect(await stream(bytes, size, batchLines)).toEqual(whole);
      }
    });
  }

  it('rejects bytes that are not UTF-8 however late they come, with that problem only', async () => {
    const lines = ['account,period,category,kpi,value', ...Array.from({ length: 200 }, (_, i) => `Acme,2025-13,Support,KPI ${i},5`)];
    const bytes = Buffer.concat([Buffer.from(`${lines.join('\n')}\n`), Buffer.from('Caf\xe9 Co,2025-06,Support,MTTR,5\n', 'latin1')]);
    const read = await stream(bytes, 64);
    expect(read.problems).toEqual([{ sheet: null, row: null, column: null, message: 'The file is not UTF-8 text: save it as CSV UTF-8 and upload it again' }]);
    expect(read.problems).toEqual(parseCsv(bytes).problems);
  });

  it('finds a duplicate many batches after its first line, and lists problems in line order up to the cap', async () => {
    const lines = ['account,period,category,kpi,value'];
    for (let i = 0; i < 1500; i++) lines.push(`Acme,2025-${i % 2 === 0 ? '06' : '13'},Support,KPI ${i},5`);
    // Line 2 gives KPI 0; line 1502 repeats it, after 750 bad periods (lines 3, 5, …, 1501).
    lines.push('acme,2025-06,Support,kpi 0,6', 'Acme,2025-06,Support,KPI 2,6');
    const bytes = Buffer.from(lines.join('\n'));
    const whole = parseCsv(bytes);
    expect(whole.problems.at(-2)).toMatchObject({ row: 1502, message: expect.stringMatching(/already on line 2$/) });
    for (const batchLines of [1, 7, 100, 5000]) expect(await stream(bytes, 4096, batchLines)).toEqual(whole);
    const capped = [...lines, ...Array.from({ length: 300 }, (_, i) => `Acme,2025-13,Support,More ${i},5`), 'Acme,2025-06,Support,KPI 4,6'];
    const cappedBytes = Buffer.from(capped.join('\n'));
    expect(parseCsv(cappedBytes).problems.at(-1)?.message).toBe('and 53 more problems not listed');
    for (const batchLines of [1, 7, 100, 5000]) expect(await stream(cappedBytes, 4096, batchLines)).toEqual(parseCsv(cappedBytes));
  });

  it('hands rows back as they are read and checked, not only at the end', async () => {
    const csv = new CsvStream(keyStore(), 1);
    expect(await csv.write(Buffer.from('account,period,category,kpi,value\nAcme,2025-06,Support,MTTR,5\nAcme,2025-06,Sup'))).toEqual([
      expect.objectContaining({ line: 2, kpi: 'MTTR' }),
    ]);
    // csv-parse holds the last record until it has seen past its line end.
    const more = await csv.write(Buffer.from('port,FCR,6\n'));
    expect([...more, ...(await csv.end()).rows]).toEqual([expect.objectContaining({ line: 3, kpi: 'FCR' })]);
  });
});
