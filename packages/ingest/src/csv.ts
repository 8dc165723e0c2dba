import { isValidPeriod, periodProblem, readImpact, readWeight, weightProblem } from './fields.js';
import { parse, type Options } from 'csv-parse/sync';
import { Parser } from 'csv-parse';
import { ProblemList } from './problems.js';
import type { ImportRow, ParseResult, StructuralProblem } from './types.js';

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

const LF = 10;
const CR = 13;

function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/**
 * The 1-based number of the first double-quoted field of a record's raw text with text after its
 * closing quote ("MTTR"x); 0 when there is none. csv-parse, relaxed, keeps such a field as text.
 */
function textAfterClosingQuote(raw: string): number {
  let i = 0;
  for (let position = 1; ; position++) {
    if (raw[i] === '"') {
      let q = raw.indexOf('"', i + 1);
      while (q !== -1 && raw[q + 1] === '"') q = raw.indexOf('"', q + 2);
      if (q === -1) return 0;
      i = q + 1;
      if (i < raw.length && raw[i] !== ',' && raw[i] !== '\n' && raw[i] !== '\r') return position;
    } else {
      while (i < raw.length && raw[i] !== ',' && raw[i] !== '\n' && raw[i] !== '\r') i++;
    }
    if (raw[i] !== ',') return 0;
    i++;
  }
}

/**
 * csv-parse reading RFC 4180 text: comma-separated, optionally double-quoted fields ("" is a
 * quote inside a quoted field), records ended by LF, CRLF or CR. A quote inside an unquoted field
 * is kept as text; text after a closing quote is found by textAfterClosingQuote. An unclosed
 * quote ends the scan (on_skip), since nothing after it can be trusted. Every record is handed
 * to on_record, which keeps none: nothing accumulates, however long the file.
 */
function csvOptions(reader: RecordReader): Options {
  return {
    raw: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    // With raw set, csv-parse hands on_record the record with its raw text (its types do not say so).
    on_record: (withRaw) => {
      const { record, raw } = withRaw as unknown as { record: string[]; raw: string };
      reader.record(record, raw);
      return undefined;
    },
    on_skip: () => {
      reader.unclosedQuote();
      return undefined;
    },
  };
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

const NOT_UTF8 = 'The file is not UTF-8 text: save it as CSV UTF-8 and upload it again';

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
 * A data line that names a reading (its account, period and KPI are not empty): the key that
 * makes two lines the same reading, and the row when the line was read without a problem.
 */
interface KeyedLine {
  line: number;
  key: string;
  account: string;
  period: string;
  kpi: string;
  product: string | null;
  row: ImportRow | null;
}

/** Two lines give the same reading when their account, period, KPI and product match, in any case. */
function readingKey(account: string, period: string, kpi: string, product: string | null): string {
  return JSON.stringify([account, period, kpi, product ?? '']).toLowerCase();
}

function duplicateProblem(line: KeyedLine, earlier: number): StructuralProblem & { row: number } {
  const { account, period, kpi, product } = line;
  return {
    sheet: null,
    row: line.line,
    column: 'kpi',
    message: `Duplicate reading: account '${account}', period ${period}, KPI '${kpi}'${product ? `, product '${product}'` : ''} is already on line ${earlier}`,
  };
}

/**
 * One data line's checks (only the columns the header has are checked): the line with its
 * reading key and its row (null when the line has a problem), or null when it names no reading.
 * Whether it repeats an earlier line is for the caller to find (RecordReader.duplicate).
 */
function readRow(record: CsvRecord, cols: Record<Column, number>, problems: ProblemList): KeyedLine | null {
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
  if (account === '' || period === '' || kpi === '') return null;
  const row: ImportRow | null =
    problems.count > reported || weight === undefined
      ? null
      : {
          line,
          sheet: null,
          account,
          period,
          category,
          kpi,
          raw: field(fields, cols.value),
          displayed: null,
          impact: impact.impact,
          weight,
          source: field(fields, cols.source) || null,
          frequency: field(fields, cols.frequency) || null,
          product,
          warnings: impact.warning ? [impact.warning] : [],
        };
  return { line, key: readingKey(account, period, kpi, product), account, period, kpi, product, row };
}

/**
 * The checks of the long CSV format, fed one record at a time: the header row naming the
 * columns (any case), then one KPI reading per line. Every problem found is reported, up to the
 * cap, with its line and column. Each line naming a reading is handed to read as it comes, with
 * its row (null when it has a problem or the header lacks a required column); read finds
 * whether it repeats an earlier line and says so with duplicate. Nothing is kept of the lines.
 */
class RecordReader {
  readonly problems = new ProblemList();
  private header: CsvRecord | null = null;
  private cols: Record<Column, number> | null = null;
  private complete = false;
  private dataRecords = 0;
  private line = 1;
  private stopped = false;
  private notText = false;

  constructor(private readonly read: (line: KeyedLine) => void) {}

  /** One record as csv-parse read it, with its raw text (to count its lines and find bad quoting). */
  record(fields: string[], raw: string): void {
    const line = this.line;
    this.line += countLineBreaks(raw);
    if (this.stopped) return;
    const quoted = fields.some((f) => f.charCodeAt(0) === 34) ? textAfterClosingQuote(raw) : 0;
    const error = quoted ? `Unexpected text after a closing quote in field ${quoted}` : undefined;
    if (error === undefined && isBlank(fields)) return;
    this.next({ line, fields, ...(error === undefined ? {} : { error }) });
  }

  /** csv-parse met a quote that is never closed: the rest of the file is that field. */
  unclosedQuote(): void {
    if (this.stopped) return;
    this.next({ line: this.line, fields: [], error: `A quoted field starting on line ${this.line} is never closed` });
    this.stopped = true;
  }

  /** The bytes are not UTF-8: that is the only problem reported, and no more is read. */
  notUtf8(): void {
    this.problems.clear();
    this.problems.add({ sheet: null, row: null, column: null, message: NOT_UTF8 });
    this.stopped = true;
    this.complete = false;
    this.notText = true;
  }

  /** A line repeats the reading of an earlier one: a problem at that line (none once the bytes are not UTF-8). */
  duplicate(line: KeyedLine, earlier: number): void {
    if (!this.notText) this.problems.addAtLine(duplicateProblem(line, earlier));
  }

  private next(record: CsvRecord): void {
    const { header, problems } = this;
    if (header === null) {
      this.header = record;
      if (record.error !== undefined) {
        problems.add({ sheet: null, row: record.line, column: null, message: `Header row is malformed: ${record.error}` });
        this.stopped = true;
        return;
      }
      const { cols, complete } = readHeader(record, problems);
      this.cols = cols;
      this.complete = complete;
      return;
    }
    this.dataRecords += 1;
    if (record.error !== undefined) {
      problems.add({ sheet: null, row: record.line, column: null, message: record.error });
    } else if (record.fields.length !== header.fields.length) {
      const count = record.fields.length;
      problems.add({
        sheet: null,
        row: record.line,
        column: null,
        message: `Line has ${count} field${count === 1 ? '' : 's'}, the header has ${header.fields.length}`,
      });
    } else {
      const keyed = readRow(record, this.cols as Record<Column, number>, problems);
      if (keyed === null) return;
      if (!this.complete) keyed.row = null;
      this.read(keyed);
    }
  }

  /** Every problem, once the whole file is read. */
  finish(): StructuralProblem[] {
    const { problems } = this;
    if (this.header === null && problems.count === 0) {
      problems.add({ sheet: null, row: null, column: null, message: `The file is empty: a header row is required (${REQUIRED.join(',')})` });
    } else if (this.header?.error === undefined && this.dataRecords === 0 && !this.stopped) {
      problems.add({ sheet: null, row: null, column: null, message: 'The file has a header row but no data rows' });
    }
    return problems.toArray();
  }
}

/**
 * Reads the long CSV format from a whole file in memory (see RecordReader), keeping the first
 * line of each reading to find duplicates. For a file that arrives in pieces, use CsvStream.
 */
export function parseCsv(input: Buffer | string): ParseResult {
  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  const reader = new RecordReader((keyed) => {
    const earlier = seen.get(keyed.key);
    if (earlier !== undefined) reader.duplicate(keyed, earlier);
    else {
      seen.set(keyed.key, keyed.line);
      if (keyed.row) rows.push(keyed.row);
    }
  });
  const text = decode(input);
  if (text === null) reader.notUtf8();
  else parse(text, csvOptions(reader));
  const problems = reader.finish();
  return { rows, problems, accountName: null };
}

/**
 * Where a file's reading keys are kept while it is read, so that memory does not grow with the
 * file: given the keys of one batch (each once) with the line that first gives each in the
 * batch, it records them and answers, for those an earlier batch gave, that batch's line.
 */
export type ReadingKeyStore = (keys: string[], lines: number[]) => Promise<Map<string, number>>;

const KEY_BATCH_LINES = 5000;

/**
 * Reads the long CSV format as it arrives: write each chunk of bytes and get back the rows read
 * and checked so far, then end. The lines naming a reading wait until batchLines of them are
 * read (or the end), then their keys go to the key store, which finds duplicates; only then are
 * their rows handed back. Memory holds a chunk and a batch, never the file. The checks, problems
 * and rows are parseCsv's.
 */
export class CsvStream {
  private readonly rows: ImportRow[] = [];
  private pending: KeyedLine[] = [];
  private readonly reader = new RecordReader((keyed) => this.pending.push(keyed));
  private readonly parser = new Parser(csvOptions(this.reader));
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private failed = false;

  constructor(
    private readonly keys: ReadingKeyStore,
    private readonly batchLines = KEY_BATCH_LINES,
  ) {}

  /** How many problems the bytes written so far have (any one rejects the file). */
  get problemCount(): number {
    return this.reader.problems.count;
  }

  /** Checks the waiting lines against each other and the key store; the rows of those that repeat no earlier line are read. */
  private async check(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const first = new Map<string, number>();
    for (const keyed of batch) if (!first.has(keyed.key)) first.set(keyed.key, keyed.line);
    const earlier = await this.keys([...first.keys()], [...first.values()]);
    for (const keyed of batch) {
      const line = earlier.get(keyed.key) ?? first.get(keyed.key) ?? keyed.line;
      if (line !== keyed.line) this.reader.duplicate(keyed, line);
      else if (keyed.row) this.rows.push(keyed.row);
    }
  }

  /** The rows read and checked from the bytes written so far, each once. */
  private take(): ImportRow[] {
    return this.rows.splice(0, this.rows.length);
  }

  private feed(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.parser.write(text, (error) => (error ? reject(error) : resolve())));
  }

  private decode(chunk: Uint8Array | undefined): string | null {
    if (this.failed) return null;
    try {
      return chunk === undefined ? this.decoder.decode() : this.decoder.decode(chunk, { stream: true });
    } catch {
      this.failed = true;
      this.reader.notUtf8();
      return null;
    }
  }

  async write(chunk: Uint8Array): Promise<ImportRow[]> {
    const text = this.decode(chunk);
    if (text) await this.feed(text);
    if (this.pending.length >= this.batchLines) await this.check();
    return this.take();
  }

  /** The last rows and every problem of the file (any problem rejects the rows already returned too). */
  async end(): Promise<{ rows: ImportRow[]; problems: StructuralProblem[] }> {
    const text = this.decode(undefined);
    if (text) await this.feed(text);
    this.parser.resume();
    await new Promise<void>((resolve, reject) => this.parser.end((error?: Error | null) => (error ? reject(error) : resolve())));
    await this.check();
    const problems = this.reader.finish();
    return { rows: this.take(), problems };
  }
}
