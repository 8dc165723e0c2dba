import ExcelJS from 'exceljs';
import type { Row, Worksheet } from 'exceljs';
import { cellScalar, cellText, isoDate } from './cells.js';
import type { Scalar } from './cells.js';
import { ProblemList } from './problems.js';
import type { StructuralProblem } from './types.js';
import { PROFILE_SHEET, headerKey, openWorkbook } from './workbook.js';

/**
 * One customer account from the customer-profile workbook. Dates are YYYY-MM-DD. Values checked
 * against the Reference Data sheet carry that sheet's spelling. Fields from the champion and
 * engagement sheets are null when those sheets, or the account's row in them, are absent.
 */
export interface CustomerProfile {
  /** Row of the account in the profile sheet. */
  row: number;
  externalId: string | null;
  accountName: string;
  industry: string | null;
  region: string | null;
  status: string | null;
  tier: string | null;
  csmOwner: string | null;
  csmManager: string | null;
  executiveSponsor: string | null;
  strategicAccount: boolean | null;
  products: string[];
  contractStartDate: string | null;
  contractEndDate: string | null;
  renewalDate: string | null;
  arr: number | null;
  mrr: number | null;
  primaryChampion: string | null;
  championTitle: string | null;
  championEmail: string | null;
  championStatus: string | null;
  championTenureMonths: number | null;
  championInfluence: string | null;
  economicBuyer: string | null;
  economicBuyerTitle: string | null;
  customerSponsor: string | null;
  customerSponsorTitle: string | null;
  technicalChampion: string | null;
  activeChampions: number | null;
  lastTouchpointDate: string | null;
  nextTouchpointDate: string | null;
  lastBusinessReviewDate: string | null;
  nextBusinessReviewDate: string | null;
  activeUsers: number | null;
  totalLicenses: number | null;
  licenseUtilizationPct: number | null;
  daysSinceLastLogin: number | null;
  lifecycleStage: string | null;
  onboardingStatus: string | null;
  openSupportTickets: number | null;
}

export interface CustomerProfilesResult {
  profiles: CustomerProfile[];
  problems: StructuralProblem[];
}

const SHEETS = {
  profile: PROFILE_SHEET,
  champions: 'Champion & Stakeholder Input',
  engagement: 'Engagement Tracking Input',
  reference: 'Reference Data',
};

/** Header text without the '*' that marks a required column. */
function columnLabel(text: string): string {
  return text.replace(/\*/g, '').trim();
}

interface Table {
  sheet: Worksheet;
  header: Row;
  /** Column number, label and required flag, by headerKey of the label. */
  columns: Map<string, { col: number; label: string; required: boolean }>;
}

/** The table whose header row is the first row with a keyColumn cell; a '*' in a header marks a required column. */
function readTable(sheet: Worksheet, keyColumn: string, problems: ProblemList): Table | null {
  for (let r = 1; r <= sheet.rowCount; r++) {
    const header = sheet.getRow(r);
    const columns: Table['columns'] = new Map();
    header.eachCell((cell, col) => {
      const text = cellText(cell);
      const label = columnLabel(text);
      if (label !== '' && !columns.has(headerKey(label))) columns.set(headerKey(label), { col, label, required: text.includes('*') });
    });
    if (columns.has(headerKey(keyColumn))) return { sheet, header, columns };
  }
  problems.add({ sheet: sheet.name, row: null, column: keyColumn, message: `Sheet '${sheet.name}' has no header row with an '${keyColumn}' column` });
  return null;
}

function* dataRows(table: Table): Generator<Row> {
  const cols = [...table.columns.values()].map((c) => c.col);
  for (let r = table.header.number + 1; r <= table.sheet.rowCount; r++) {
    const row = table.sheet.getRow(r);
    if (cols.some((col) => cellText(row.getCell(col)) !== '')) yield row;
  }
}

/** Allowed values by headerKey of the column they are for. */
type Reference = Map<string, string[]>;

/**
 * Reads the lists of allowed values: the header row is the first row naming one of the given
 * columns ('Account Tier Options' or 'Account Tier' for the column 'Account Tier*'); each list
 * runs down from its header.
 */
function readReference(sheet: Worksheet, columns: Set<string>): Reference {
  const reference: Reference = new Map();
  for (let r = 1; r <= sheet.rowCount && reference.size === 0; r++) {
    sheet.getRow(r).eachCell((cell, col) => {
      const key = headerKey(cellText(cell).replace(/\s*options$/i, ''));
      if (!columns.has(key)) return;
      const values: string[] = [];
      for (let below = r + 1; below <= sheet.rowCount; below++) {
        const value = cellText(sheet.getRow(below).getCell(col));
        if (value !== '') values.push(value);
      }
      reference.set(key, values);
    });
  }
  return reference;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const YES = new Set(['yes', 'y', 'true']);
const NO = new Set(['no', 'n', 'false']);

interface ReadCell {
  text: string;
  value: Scalar;
  label: string;
}

/** Reads typed values from one table row, reporting each bad cell. A reader without a row reads null everywhere. */
class RowReader {
  constructor(
    private readonly table: Table | null,
    private readonly row: Row | null,
    private readonly reference: Reference,
    private readonly problems: ProblemList,
  ) {}

  private report(column: string, message: string): void {
    if (this.table && this.row) this.problems.add({ sheet: this.table.sheet.name, row: this.row.number, column, message });
  }

  private cell(label: string, required: boolean): ReadCell | null {
    const column = this.table?.columns.get(headerKey(label));
    if (!this.row || !column) return null;
    const cell = this.row.getCell(column.col);
    const text = cellText(cell);
    if (text !== '') return { text, value: cellScalar(cell), label: column.label };
    if (required || column.required) this.report(column.label, `${column.label} is required`);
    return null;
  }

  /** Text; when the Reference Data sheet lists the column's values, one of them in its spelling. */
  text(label: string, required = false): string | null {
    const cell = this.cell(label, required);
    if (!cell) return null;
    const allowed = this.reference.get(headerKey(cell.label));
    if (!allowed) return cell.text;
    const match = allowed.find((value) => value.toLowerCase() === cell.text.toLowerCase());
    if (match === undefined) this.report(cell.label, `${cell.label} '${cell.text}' is not one of: ${allowed.join(', ')}`);
    return match ?? null;
  }

  /** Comma-separated text as a list. */
  list(label: string): string[] {
    return (this.text(label) ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  }

  email(label: string): string | null {
    const cell = this.cell(label, false);
    if (!cell || EMAIL.test(cell.text)) return cell?.text ?? null;
    this.report(cell.label, `${cell.label} '${cell.text}' is not an email address`);
    return null;
  }

  /** A date cell, or text written YYYY-MM-DD. */
  date(label: string): string | null {
    const cell = this.cell(label, false);
    if (!cell) return null;
    if (cell.value instanceof Date) return isoDate(cell.value);
    const m = DATE.exec(cell.text);
    if (m && isoDate(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))) === cell.text) return cell.text;
    this.report(cell.label, `${cell.label} '${cell.text}' is not a date (expected YYYY-MM-DD)`);
    return null;
  }

  /** A number that is not negative, whole when integer is set; '$', ',' and spaces in text are ignored. */
  number(label: string, integer = false): number | null {
    const cell = this.cell(label, false);
    if (!cell) return null;
    const digits = cell.text.replace(/[$,\s]/g, '');
    const value = typeof cell.value === 'number' ? cell.value : NUMBER.test(digits) ? Number(digits) : NaN;
    if (Number.isNaN(value)) this.report(cell.label, `${cell.label} '${cell.text}' is not a number`);
    else if (value < 0) this.report(cell.label, `${cell.label} must not be negative (got ${cell.text})`);
    else if (integer && !Number.isInteger(value)) this.report(cell.label, `${cell.label} must be a whole number (got ${cell.text})`);
    else return value;
    return null;
  }

  yesNo(label: string): boolean | null {
    const cell = this.cell(label, false);
    if (!cell) return null;
    if (typeof cell.value === 'boolean') return cell.value;
    const text = cell.text.toLowerCase();
    if (YES.has(text)) return true;
    if (NO.has(text)) return false;
    this.report(cell.label, `${cell.label} '${cell.text}' is not one of: Yes, No`);
    return null;
  }
}

const NO_ROW = new RowReader(null, null, new Map(), new ProblemList());

function readProfile(r: RowReader, row: number, accountName: string, externalId: string | null) {
  return {
    row,
    externalId,
    accountName,
    industry: r.text('Industry'),
    region: r.text('Region'),
    status: r.text('Status'),
    tier: r.text('Account Tier'),
    csmOwner: r.text('Assigned CSM'),
    csmManager: r.text('CSM Manager'),
    executiveSponsor: r.text('Executive Sponsor'),
    strategicAccount: r.yesNo('Strategic Account'),
    products: r.list('Products Used'),
    contractStartDate: r.date('Contract Start Date'),
    contractEndDate: r.date('Contract End Date'),
    renewalDate: r.date('Renewal Date'),
    arr: r.number('ARR'),
    mrr: r.number('MRR'),
  };
}

function readChampions(r: RowReader) {
  return {
    primaryChampion: r.text('Primary Champion Name'),
    championTitle: r.text('Champion Title'),
    championEmail: r.email('Champion Email'),
    championStatus: r.text('Champion Status'),
    championTenureMonths: r.number('Champion Tenure (months)', true),
    championInfluence: r.text('Champion Influence Level'),
    economicBuyer: r.text('Economic Buyer Name'),
    economicBuyerTitle: r.text('Economic Buyer Title'),
    customerSponsor: r.text('Executive Sponsor Name'),
    customerSponsorTitle: r.text('Executive Sponsor Title'),
    technicalChampion: r.text('Technical Champion Name'),
    activeChampions: r.number('Number of Active Champions', true),
  };
}

function readEngagement(r: RowReader) {
  return {
    lastTouchpointDate: r.date('Last Touchpoint Date'),
    nextTouchpointDate: r.date('Next Scheduled Touchpoint'),
    lastBusinessReviewDate: r.date('Last Business Review Date'),
    nextBusinessReviewDate: r.date('Next Business Review Date'),
    activeUsers: r.number('Number of Active Users', true),
    totalLicenses: r.number('Total Licenses', true),
    licenseUtilizationPct: r.number('License Utilization %'),
    daysSinceLastLogin: r.number('Days Since Last Login', true),
    lifecycleStage: r.text('Lifecycle Stage'),
    onboardingStatus: r.text('Onboarding Status'),
    openSupportTickets: r.number('Open Support Tickets', true),
  };
}

/**
 * Adds the fields of a champion or engagement sheet to the profiles, joining rows by Account ID.
 * A row without an ID, with an unknown or repeated ID, or naming a different account is reported.
 */
function readLinkedSheet(
  table: Table,
  byId: Map<string, CustomerProfile>,
  read: (r: RowReader) => Partial<CustomerProfile>,
  reference: Reference,
  problems: ProblemList,
): void {
  const text = (row: Row, label: string): string => {
    const column = table.columns.get(headerKey(label));
    return column ? cellText(row.getCell(column.col)) : '';
  };
  const linked = new Map<string, number>();
  for (const row of dataRows(table)) {
    const where = { sheet: table.sheet.name, row: row.number };
    const id = text(row, 'Account ID');
    const profile = byId.get(id);
    const earlier = linked.get(id);
    if (id === '') {
      problems.add({ ...where, column: 'Account ID', message: 'Account ID is required' });
    } else if (!profile) {
      problems.add({ ...where, column: 'Account ID', message: `Account ID '${id}' is not in sheet '${SHEETS.profile}'` });
    } else if (earlier !== undefined) {
      problems.add({ ...where, column: 'Account ID', message: `Account ID '${id}' appears twice (rows ${earlier} and ${row.number})` });
    } else {
      linked.set(id, row.number);
      const name = text(row, 'Account Name');
      if (name !== '' && profile.accountName !== '' && name.toLowerCase() !== profile.accountName.toLowerCase()) {
        const message = `Account Name '${name}' does not match '${profile.accountName}', the name of Account ID '${id}' in sheet '${SHEETS.profile}'`;
        problems.add({ ...where, column: 'Account Name', message });
      }
      Object.assign(profile, read(new RowReader(table, row, reference, problems)));
    }
  }
}

/**
 * Reads the customer-profile workbook: one account per row of the profile sheet, joined by
 * Account ID with the champion and engagement sheets when they are present. Every cell is checked:
 * required (*) columns filled in, values listed in the Reference Data sheet, dates, numbers.
 */
export async function parseCustomerProfiles(input: Buffer): Promise<CustomerProfilesResult> {
  const problems = new ProblemList();
  const opened = await openWorkbook(input);
  if (!(opened instanceof ExcelJS.Workbook)) return { profiles: [], problems: [opened] };

  const findSheet = (name: string): Worksheet | null => opened.worksheets.find((s) => headerKey(s.name) === headerKey(name)) ?? null;
  const profileSheet = findSheet(SHEETS.profile);
  const referenceSheet = findSheet(SHEETS.reference);
  const championSheet = findSheet(SHEETS.champions);
  const engagementSheet = findSheet(SHEETS.engagement);
  for (const [name, sheet] of [
    [SHEETS.profile, profileSheet],
    [SHEETS.reference, referenceSheet],
  ] as const) {
    if (sheet) continue;
    const found = opened.worksheets.map((s) => `'${s.name}'`).join(', ');
    problems.add({ sheet: null, row: null, column: null, message: `The workbook has no '${name}' sheet (sheets found: ${found || 'none'})` });
  }
  const profileTable = profileSheet && readTable(profileSheet, 'Account Name', problems);
  const championTable = championSheet && readTable(championSheet, 'Account ID', problems);
  const engagementTable = engagementSheet && readTable(engagementSheet, 'Account ID', problems);
  if (!profileTable || !referenceSheet) return { profiles: [], problems: problems.toArray() };

  const tables = [profileTable, championTable, engagementTable].filter((t): t is Table => t !== null);
  const reference = readReference(referenceSheet, new Set(tables.flatMap((t) => [...t.columns.keys()])));

  const profiles: CustomerProfile[] = [];
  const byId = new Map<string, CustomerProfile>();
  const byName = new Map<string, number>();
  for (const row of dataRows(profileTable)) {
    const r = new RowReader(profileTable, row, reference, problems);
    const where = { sheet: profileTable.sheet.name, row: row.number };
    const accountName = r.text('Account Name', true);
    const externalId = r.text('Account ID');
    const profile: CustomerProfile = {
      ...readProfile(r, row.number, accountName ?? '', externalId),
      ...readChampions(NO_ROW),
      ...readEngagement(NO_ROW),
    };
    if (externalId !== null) {
      const earlier = byId.get(externalId);
      if (earlier)
        problems.add({ ...where, column: 'Account ID', message: `Account ID '${externalId}' appears twice (rows ${earlier.row} and ${row.number})` });
      else byId.set(externalId, profile);
    }
    if (accountName === null) continue;
    const earlierRow = byName.get(accountName.toLowerCase());
    if (earlierRow !== undefined) {
      problems.add({ ...where, column: 'Account Name', message: `Account Name '${accountName}' appears twice (rows ${earlierRow} and ${row.number})` });
    } else {
      byName.set(accountName.toLowerCase(), row.number);
    }
    profiles.push(profile);
  }

  if (championTable) readLinkedSheet(championTable, byId, readChampions, reference, problems);
  if (engagementTable) readLinkedSheet(engagementTable, byId, readEngagement, reference, problems);
  return { profiles, problems: problems.toArray() };
}
