import { isValidPeriod, periodProblem, readImpact, readWeight, weightProblem } from './fields.js';
import { ProblemList } from './problems.js';
import type { ImportRow, ParseResult } from './types.js';

const REQUIRED = ['account', 'period', 'category', 'kpi', 'value'] as const;
const OPTIONAL = ['impact', 'weight', 'source', 'frequency', 'product'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const KNOWN: readonly Column[] = [...REQUIRED, ...OPTIONAL];

function isColumn(name: string): name is Column {
  return (KNOWN as readonly string[]).includes(name);
}

interface CsvRecord {
  /** Line on which the record starts. */
  line: number;
  fields: string[];
  /** Set when the record is malformed; its fields are then incomplete. */
  error?: string;
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/**
 * Splits RFC 4180 text into records: comma-separated, optionally double-quoted fields ("" is a
 * quote inside a quoted field), records ended by LF, CRLF or CR. A quote inside an unquoted field
 * is kept as text. An unclosed quote ends the scan, since nothing after it can be trusted.
 */
function readRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const record: CsvRecord = { line, fields: [] };
    records.push(record);
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) {
            record.error = `A quoted field starting on line ${record.line} is never closed`;
            return records;
          }
          value += text.slice(from, q);
          if (text.charCodeAt(q + 1) !== QUOTE) {
            i = q + 1;
            break;
          }
          value += '"';
          from = q + 2;
        }
        line += countLineBreaks(value);
        record.fields.push(value);
      } else {
        const start = i;
        let c = text.charCodeAt(i);
        while (i < n && c !== COMMA && c !== LF && c !== CR) c = text.charCodeAt(++i);
        record.fields.push(text.slice(start, i));
      }
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (i < n && c !== LF && c !== CR) {
        record.error = `Unexpected text after a closing quote in field ${record.fields.length}`;
        while (i < n && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i++;
      }
      if (text.charCodeAt(i) === CR) i++;
      if (text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
  }
  return records;
}

function isBlank(fields: string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/** The text without a byte-order mark; null when the bytes are not UTF-8. */
function decode(input: Buffer | string): string | null {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    return null;
  }
}

function field(fields: string[], position: number): string {
  return position < 0 ? '' : (fields[position] as string).trim();
}

/** Column positions by name (-1 when absent), and whether every required column is there. */
function readHeader(header: CsvRecord, problems: ProblemList): { cols: Record<Column, number>; complete: boolean } {
  const index = new Map<Column, number>();
  header.fields.forEach((text, position) => {
    const name = text.trim().toLowerCase();
    const where = { sheet: null, row: header.line, column: text.trim() };
    if (!isColumn(name)) {
      const label = name === '' ? `Column ${position + 1} has no name` : `Unknown column '${text.trim()}'`;
      problems.add({ ...where, message: `${label}; allowed columns are: ${KNOWN.join(', ')}` });
      return;
    }
    const first = index.get(name);
    if (first !== undefined) {
      problems.add({ ...where, message: `Column '${name}' appears more than once (columns ${first + 1} and ${position + 1})` });
      return;
    }
    index.set(name, position);
  });
  const missing = REQUIRED.filter((column) => !index.has(column));
  for (const column of missing) {
    problems.add({ sheet: null, row: header.line, column, message: `Missing required column '${column}'` });
  }
  return { cols: Object.fromEntries(KNOWN.map((c) => [c, index.get(c) ?? -1])) as Record<Column, number>, complete: missing.length === 0 };
}

/**
 * One reading from one data line, or null when the line has a problem. Only the columns the
 * header has are checked. seen maps each reading key (account, period, KPI, product) to the
 * line it was first given on.
 */
function readRow(record: CsvRecord, cols: Record<Column, number>, problems: ProblemList, seen: Map<string, number>): ImportRow | null {
  const { line, fields } = record;
  const reported = problems.count;
  const report = (column: Column, message: string): void => problems.add({ sheet: null, row: line, column, message });
  const has = (column: Column): boolean => cols[column] >= 0;

  const account = field(fields, cols.account);
  const period = field(fields, cols.period);
  const category = field(fields, cols.category);
  const kpi = field(fields, cols.kpi);
  const product = field(fields, cols.product) || null;
  if (has('account') && account === '') report('account', 'account is empty');
  if (has('period') && period === '') report('period', 'period is empty');
  else if (has('period') && !isValidPeriod(period)) report('period', periodProblem(period));
  if (has('category') && category === '') report('category', 'category is empty');
  if (has('kpi') && kpi === '') report('kpi', 'kpi is empty');
  const impact = has('impact') ? readImpact(field(fields, cols.impact), 'impact') : { impact: null, warning: null };
  const weightText = field(fields, cols.weight);
  const weight = readWeight(weightText);
  if (weight === undefined) report('weight', weightProblem(weightText));
  if (account !== '' && period !== '' && kpi !== '') {
    const key = `${account}\u0000${period}\u0000${kpi}\u0000${product ?? ''}`.toLowerCase();
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, line);
    else report('kpi', `Duplicate reading: account '${account}', period ${period}, KPI '${kpi}'${product ? `, product '${product}'` : ''} is already on line ${earlier}`);
  }
  if (problems.count > reported || weight === undefined) return null;
  return {
    line, sheet: null, account, period, category, kpi, raw: field(fields, cols.value), displayed: null, impact: impact.impact, weight,
    source: field(fields, cols.source) || null, frequency: field(fields, cols.frequency) || null, product,
    warnings: impact.warning ? [impact.warning] : [],
  };
}

/**
 * Reads the long CSV format: a header row naming the columns (any case), then one KPI reading
 * per line. Every problem found is reported, up to the cap, with its line and column.
 */
export function parseCsv(input: Buffer | string): ParseResult {
  const problems = new ProblemList();
  const result = (rows: ImportRow[]): ParseResult => ({ rows, problems: problems.toArray(), accountName: null });
  const text = decode(input);
  if (text === null) {
    problems.add({ sheet: null, row: null, column: null, message: 'The file is not UTF-8 text: save it as CSV UTF-8 and upload it again' });
    return result([]);
  }
  const records = readRecords(text).filter((r) => r.error !== undefined || !isBlank(r.fields));
  const header = records[0];
  if (!header) {
    problems.add({ sheet: null, row: null, column: null, message: `The file is empty: a header row is required (${REQUIRED.join(',')})` });
    return result([]);
  }
  if (header.error !== undefined) {
    problems.add({ sheet: null, row: header.line, column: null, message: `Header row is malformed: ${header.error}` });
    return result([]);
  }
  const { cols, complete } = readHeader(header, problems);

  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  for (const record of records.slice(1)) {
    if (record.error !== undefined) {
      problems.add({ sheet: null, row: record.line, column: null, message: record.error });
    } else if (record.fields.length !== header.fields.length) {
      const count = record.fields.length;
      problems.add({ sheet: null, row: record.line, column: null, message: `Line has ${count} field${count === 1 ? '' : 's'}, the header has ${header.fields.length}` });
    } else {
      const row = readRow(record, cols, problems, seen);
      if (row) rows.push(row);
    }
  }
  if (records.length === 1) problems.add({ sheet: null, row: null, column: null, message: 'The file has a header row but no data rows' });
  return result(complete ? rows : []);
}
