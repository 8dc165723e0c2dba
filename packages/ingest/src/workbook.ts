import ExcelJS from 'exceljs';
import type { Row, Workbook, Worksheet } from 'exceljs';
import { cellReading, cellScalar, cellText } from './cells.js';
import { looksLikeText } from './detect.js';
import { isValidPeriod, periodProblem, readImpact, readWeight, weightProblem } from './fields.js';
import { ProblemList } from './problems.js';
import type { ImportRow, ParseResult, StructuralProblem } from './types.js';
import { isZip, readZipDirectory, zipSizeProblem, ZIP_LIMITS, type ZipLimits } from './zip.js';

/** The sheet that makes a workbook a customer-profile workbook (parseCustomerProfiles), not KPI readings. */
export const PROFILE_SHEET = 'Customer Profile Input';

/** Compares header texts ignoring case and all spacing: 'Weight (%)', 'weight(%)' and 'WEIGHT ( % )' are equal. */
export function headerKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, '');
}

/**
 * Opens an .xlsx file, or returns the problem that stops it from being read. exceljs only
 * accepts zip data, so anything else is turned away before it is tried, and so is a zip whose
 * central directory lists more than the limits allow (a zip bomb). Whether the directory
 * tells the truth is checked in the worker thread (workbook-worker.ts) before this runs.
 */
export async function openWorkbook(input: Buffer, limits: ZipLimits = ZIP_LIMITS): Promise<Workbook | StructuralProblem> {
  const problem = (message: string): StructuralProblem => ({ sheet: null, row: null, column: null, message });
  const unreadable = (reason: string) => problem(`The file is not a readable .xlsx workbook: ${reason}`);
  if (!isZip(input)) {
    return unreadable(looksLikeText(input) ? 'it is a text (CSV) file; upload it as CSV instead' : 'it is not a zip-based Excel file');
  }
  const entries = await readZipDirectory(input, limits.maxEntries);
  if (entries instanceof Error) return unreadable(entries.message);
  const tooLarge = zipSizeProblem(entries, limits);
  if (tooLarge) return problem(tooLarge);
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own global Buffer type, which a Node Buffer does not match; the data is what it reads.
    await workbook.xlsx.load(input as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch (error) {
    return unreadable(error instanceof Error ? error.message : String(error));
  }
  return workbook;
}

function firstCellText(row: Row): string {
  return cellText(row.getCell(1));
}

function findRow(sheet: Worksheet, firstCell: string): Row | null {
  const wanted = headerKey(firstCell);
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    if (headerKey(firstCellText(row)) === wanted) return row;
  }
  return null;
}

/** The category-sheet columns, each with the header spellings that name it. */
const COLUMNS = {
  component: { label: 'Health Score Component', names: ['Health Score Component'], required: true },
  weight: { label: 'Weight', names: ['Weight (%)', 'Weight %', 'Weight'], required: false },
  data: { label: 'Data', names: ['Data'], required: true },
  source: { label: 'Source Review', names: ['Source Review', 'Source'], required: false },
  kpi: { label: 'KPI/Parameter', names: ['KPI/Parameter', 'KPI'], required: true },
  impact: { label: 'Impact Level', names: ['Impact Level', 'Impact'], required: false },
  frequency: { label: 'Measurement Frequency', names: ['Measurement Frequency', 'Frequency'], required: false },
} as const;

type ColumnName = keyof typeof COLUMNS;

/** Column numbers of the columns found in a header row; the first match wins. */
function locateColumns(header: Row): Partial<Record<ColumnName, number>> {
  const found: Partial<Record<ColumnName, number>> = {};
  header.eachCell((cell, col) => {
    const key = headerKey(cellText(cell));
    for (const [name, column] of Object.entries(COLUMNS) as [ColumnName, (typeof COLUMNS)[ColumnName]][]) {
      if (found[name] === undefined && column.names.some((n) => headerKey(n) === key)) found[name] = col;
    }
  });
  return found;
}

interface SheetContext {
  account: string;
  period: string;
  problems: ProblemList;
  /** Where each KPI (lower case) was first read, to report a KPI given twice. */
  seen: Map<string, string>;
}

function readCategorySheet(sheet: Worksheet, { account, period, problems, seen }: SheetContext): ImportRow[] {
  const header = findRow(sheet, COLUMNS.component.label);
  if (!header) {
    problems.add({
      sheet: sheet.name,
      row: null,
      column: COLUMNS.component.label,
      message: `Sheet '${sheet.name}' has no header row (a row whose first cell is '${COLUMNS.component.label}')`,
    });
    return [];
  }
  const cols = locateColumns(header);
  const missing = (Object.keys(COLUMNS) as ColumnName[]).filter((name) => COLUMNS[name].required && cols[name] === undefined);
  for (const name of missing) {
    const label = COLUMNS[name].label;
    problems.add({ sheet: sheet.name, row: header.number, column: label, message: `Sheet '${sheet.name}' has no '${label}' column in its header row` });
  }
  if (missing.length > 0 || cols.data === undefined) return [];
  const dataColumn = cols.data;

  const rows: ImportRow[] = [];
  for (let r = header.number + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const category = firstCellText(row);
    if (category === '') continue;
    const text = (name: ColumnName): string => {
      const col = cols[name];
      return col === undefined ? '' : cellText(row.getCell(col));
    };
    const reported = problems.count;
    const report = (name: ColumnName, message: string): void => problems.add({ sheet: sheet.name, row: r, column: COLUMNS[name].label, message });

    const kpi = text('kpi');
    if (kpi === '') report('kpi', `${COLUMNS.kpi.label} is empty`);
    const impact = cols.impact === undefined ? { impact: null, warning: null } : readImpact(text('impact'), COLUMNS.impact.label);
    const weightCell = cols.weight === undefined ? null : cellScalar(row.getCell(cols.weight));
    const weight = typeof weightCell === 'number' ? weightCell : readWeight(text('weight'));
    if (weight === undefined) report('weight', weightProblem(text('weight')));
    if (kpi !== '') {
      const earlier = seen.get(kpi.toLowerCase());
      if (earlier === undefined) seen.set(kpi.toLowerCase(), `sheet '${sheet.name}' row ${r}`);
      else report('kpi', `KPI '${kpi}' appears twice: it is already on ${earlier}`);
    }
    if (problems.count > reported || weight === undefined) continue;
    rows.push({
      line: r,
      sheet: sheet.name,
      account,
      period,
      category,
      kpi,
      ...cellReading(row.getCell(dataColumn)),
      impact: impact.impact,
      weight,
      source: text('source') || null,
      frequency: text('frequency') || null,
      product: null,
      warnings: impact.warning ? [impact.warning] : [],
    });
  }
  return rows;
}

/**
 * Reads one account's workbook in the maturity-framework layout: a summary sheet (its 'Company'
 * row names the account), one sheet per category, and a rollup sheet. The summary and rollup
 * are not read as readings.
 */
export async function parseWorkbook(input: Buffer, opts: { period: string; accountName?: string | null }): Promise<ParseResult> {
  const problems = new ProblemList();
  const opened = await openWorkbook(input);
  if (!(opened instanceof ExcelJS.Workbook)) return { rows: [], problems: [opened], accountName: null };

  const sheets = opened.worksheets;
  const profileSheet = sheets.find((sheet) => headerKey(sheet.name) === headerKey(PROFILE_SHEET));
  if (profileSheet) {
    const message = `This is a customer-profile workbook (it has a '${profileSheet.name}' sheet), not KPI readings: import it as customer profiles`;
    return { rows: [], problems: [{ sheet: profileSheet.name, row: null, column: null, message }], accountName: null, layout: 'customer_profiles' };
  }
  if (!isValidPeriod(opts.period)) {
    problems.add({ sheet: null, row: null, column: 'period', message: periodProblem(opts.period) });
  }
  if (sheets.length < 3) {
    problems.add({
      sheet: null,
      row: null,
      column: null,
      message: `The workbook has ${sheets.length} sheet${sheets.length === 1 ? '' : 's'}; expected a summary sheet, at least one category sheet and a rollup sheet`,
    });
    return { rows: [], problems: problems.toArray(), accountName: null };
  }

  const summary = sheets[0] as Worksheet;
  const companyRow = findRow(summary, 'Company');
  const accountName = opts.accountName?.trim() || (companyRow ? cellText(companyRow.getCell(2)) : '') || null;
  if (accountName === null) {
    problems.add({
      sheet: summary.name,
      row: companyRow?.number ?? null,
      column: null,
      message: `No account name: the upload names none and the summary sheet '${summary.name}' has no 'Company' row with a name next to it`,
    });
  }

  const context: SheetContext = { account: accountName ?? '', period: opts.period, problems, seen: new Map() };
  const rows = sheets.slice(1, -1).flatMap((sheet) => readCategorySheet(sheet, context));
  if (rows.length === 0 && problems.count === 0) {
    problems.add({ sheet: null, row: null, column: null, message: 'The workbook has no KPI rows in its category sheets' });
  }
  return { rows, problems: problems.toArray(), accountName };
}
