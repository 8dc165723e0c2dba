import { describe, expect, it } from 'vitest';
import { detectFormat, isValidPeriod } from '../src/index.js';
import { sample } from './helpers.js';

describe('detectFormat', () => {
  it('knows a workbook by its zip signature, whatever its name', () => {
    const xlsx = sample('customer-profile.xlsx');
    expect(detectFormat('profiles.xlsx', xlsx)).toBe('xlsx');
    expect(detectFormat('upload.csv', xlsx)).toBe('xlsx');
    expect(detectFormat('', xlsx)).toBe('xlsx');
  });

  it('takes a .csv file or text as CSV', () => {
    expect(detectFormat('KPIs.CSV', Buffer.from([0x00, 0x01]))).toBe('csv');
    expect(detectFormat('readings.txt', Buffer.from('account,period\n'))).toBe('csv');
    expect(detectFormat('export', Buffer.from('\uFEFFaccount;période\r\n', 'utf8'))).toBe('csv');
  });

  it('turns away binary and empty files that are not named .csv', () => {
    expect(detectFormat('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0x00]))).toBeNull();
    expect(detectFormat('latin1.dat', Buffer.from([0x61, 0xe9, 0x62]))).toBeNull();
    expect(detectFormat('utf16.txt', Buffer.from('account,period\n', 'utf16le'))).toBeNull();
    expect(detectFormat('empty', Buffer.alloc(0))).toBeNull();
  });
});

describe('isValidPeriod', () => {
  it.each(['2000-01', '2025-06', '2100-12'])('accepts %s', (p) => expect(isValidPeriod(p)).toBe(true));
  it.each(['1999-12', '2101-01', '2025-00', '2025-13', '2025-6', '25-06', '2025/06', '2025-06-01', ' 2025-06', ''])('rejects %j', (p) =>
    expect(isValidPeriod(p)).toBe(false),
  );
});
