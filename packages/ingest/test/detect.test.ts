import { describe, expect, it } from 'vitest';
import { inspectUpload, isValidPeriod } from '../src/index.js';
import { sample } from './helpers.js';
import { zipBombWorkbook, zipOf } from './zip-bomb.js';

describe('inspectUpload', () => {
  it('knows a workbook by its content, whatever its name', async () => {
    const xlsx = sample('customer-profile.xlsx');
    for (const name of ['profiles.xlsx', 'upload.csv', 'notes.txt', '']) {
      expect(await inspectUpload(name, xlsx)).toEqual({ format: 'xlsx', refusal: null });
    }
  });

  it('reads text as CSV only when the file is named .csv', async () => {
    expect(await inspectUpload('KPIs.CSV', Buffer.from('\uFEFFaccount;période\r\n', 'utf8'))).toEqual({ format: 'csv', refusal: null });
    for (const name of ['readings.txt', 'export', 'app.js', 'page.html']) {
      expect(await inspectUpload(name, Buffer.from('account,period\n')), name).toEqual({
        format: null,
        refusal: 'Unsupported file type: upload an .xlsx workbook or a .csv file. Only files named .csv are read as CSV.',
      });
    }
  });

  it('refuses binary, empty and damaged files, and zips that are not workbooks', async () => {
    const refusal = async (name: string, bytes: Buffer) => {
      const detection = await inspectUpload(name, bytes);
      expect(detection.format, name).toBeNull();
      return detection.refusal;
    };
    expect(await refusal('KPIs.csv', Buffer.from([0x61, 0x00, 0x62]))).toBe('The file is not a text file: it contains NUL bytes.');
    expect(await refusal('latin1.csv', Buffer.from([0x61, 0xe9, 0x62]))).toMatch(/not a UTF-8 text file/);
    expect(await refusal('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0x00]))).toMatch(/^Unsupported file type/);
    expect(await refusal('utf16.txt', Buffer.from('account,period\n', 'utf16le'))).toMatch(/^Unsupported file type/);
    expect(await refusal('empty.csv', Buffer.alloc(0))).toBe('The file is empty.');
    expect(await refusal('cut.xlsx', sample('customer-profile.xlsx').subarray(0, 600))).toMatch(/^The file is not a readable \.xlsx workbook: /);
    expect(await refusal('doc.xlsx', zipOf({ 'word/document.xml': '<w:document/>' }))).toMatch(/^Unsupported file type.*not an Excel workbook/);
  });

  it('refuses a zip bomb from its central directory: too large in total, or compressed absurdly', async () => {
    // 300 MB of sheet in about 300 KB: over the 64 MB total. With the two small parts it is
    // just over 300 MB, shown rounded up: 301 MB.
    const bomb = zipBombWorkbook(300);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await inspectUpload('bomb.xlsx', bomb)).toEqual({
      format: 'xlsx',
      refusal: 'The workbook unpacks to 301 MB, more than the 64 MB Pulse reads; it was not opened.',
    });
    // 32 MB is under the total limit, but from about 32 KB that is a ratio near 1000 to 1 (over 100).
    expect((await inspectUpload('bomb.xlsx', zipBombWorkbook(32))).refusal).toMatch(
      /^The workbook's part 'xl\/worksheets\/sheet1\.xml' is compressed more than 100 to 1 \(32 MB from \d+ bytes\)/,
    );
  });
});

describe('isValidPeriod', () => {
  it.each(['2000-01', '2025-06', '2100-12'])('accepts %s', (p) => expect(isValidPeriod(p)).toBe(true));
  it.each(['1999-12', '2101-01', '2025-00', '2025-13', '2025-6', '25-06', '2025/06', '2025-06-01', ' 2025-06', ''])('rejects %j', (p) =>
    expect(isValidPeriod(p)).toBe(false),
  );
});
