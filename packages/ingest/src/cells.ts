import type { Cell, CellValue } from 'exceljs';
import { parseValue } from '@pulse/scoring';

export type Scalar = string | number | boolean | Date | null;

/** The value a cell holds, with formulas replaced by their cached result and rich text flattened. */
export function cellScalar(cell: Cell): Scalar {
  return scalarOf(cell.value);
}

function scalarOf(value: CellValue | { richText: { text: string }[] }): Scalar {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('error' in value) return value.error;
  if ('hyperlink' in value) return scalarOf(value.text);
  if ('result' in value) return scalarOf(value.result);
  return null;
}

/** A cell as the user sees it in a spreadsheet program, trimmed; '' when empty. */
export function cellText(cell: Cell): string {
  const value = cellScalar(cell);
  if (value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoDate(value);
  return formatNumber(value, cell.numFmt);
}

/** Date part of a cell date ('' for an invalid one). Spreadsheet dates carry no zone; exceljs returns them as UTC. */
export function isoDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

/** Up to 15 significant digits, as spreadsheets show a number in General format. */
function general(value: number): string {
  return String(Number(value.toPrecision(15)));
}

interface NumberFormat {
  /** False for a section of literal text only, such as "-" for zero. */
  digits: boolean;
  prefix: string;
  suffix: string;
  minDecimals: number;
  maxDecimals: number;
  grouping: boolean;
  percent: boolean;
  /** Each comma right after the last digit placeholder divides by 1000. */
  scale: number;
}

/** Splits a format code into its sections (positive;negative;zero;text), ignoring quoted semicolons. */
function sections(code: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < code.length; i++) {
    const c = code.charAt(i);
    if (c === '"') quoted = !quoted;
    if (c === '\\' && !quoted) {
      current += c + code.charAt(++i);
      continue;
    }
    if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

/** Reads one format section; null for what this renderer does not handle (dates, fractions, exponents). */
function readSection(code: string): NumberFormat | null {
  const format: NumberFormat = { digits: false, prefix: '', suffix: '', minDecimals: 0, maxDecimals: 0, grouping: false, percent: false, scale: 0 };
  let afterPoint = false;
  let pendingCommas = 0;
  const literal = (text: string): void => {
    if (format.digits) format.suffix += text;
    else format.prefix += text;
  };
  for (let i = 0; i < code.length; i++) {
    const c = code.charAt(i);
    if (c === '0' || c === '#' || c === '?') {
      if (pendingCommas > 0) format.grouping = true;
      pendingCommas = 0;
      if (format.suffix !== '') return null;
      format.digits = true;
      if (afterPoint) {
        format.maxDecimals++;
        if (c === '0') format.minDecimals = format.maxDecimals;
      }
    } else if (c === '.' && !afterPoint && format.suffix === '') {
      afterPoint = true;
      format.digits = true;
    } else if (c === ',' && format.digits && format.suffix === '') {
      pendingCommas++;
    } else {
      if (pendingCommas > 0) {
        format.scale = pendingCommas;
        pendingCommas = 0;
      }
      if (c === '"') {
        const end = code.indexOf('"', i + 1);
        literal(code.slice(i + 1, end === -1 ? code.length : end));
        i = end === -1 ? code.length : end;
      } else if (c === '\\') {
        literal(code.charAt(++i));
      } else if (c === '_' || c === '*') {
        i++;
      } else if (c === '[') {
        const end = code.indexOf(']', i);
        const inner = code.slice(i + 1, end === -1 ? code.length : end);
        if (inner.startsWith('$')) literal(inner.slice(1).split('-')[0] ?? '');
        i = end === -1 ? code.length : end;
      } else if (/[a-z/]/i.test(c)) {
        return null;
      } else {
        if (c === '%') format.percent = true;
        literal(c);
      }
    }
  }
  if (pendingCommas > 0) format.scale = pendingCommas;
  return format;
}

function render(value: number, format: NumberFormat): string {
  if (!format.digits) return format.prefix;
  const scaled = (value * (format.percent ? 100 : 1)) / 1000 ** format.scale;
  let [whole = '0', fraction = ''] = scaled.toFixed(format.maxDecimals).split('.');
  while (fraction.length > format.minDecimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  if (format.grouping) whole = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return format.prefix + whole + (fraction === '' ? '' : `.${fraction}`) + format.suffix;
}

/**
 * A number rendered with its cell's number format: 0.93 as '0%' is '93%', 97000 as '$#,##0' is
 * '$97,000', 9 as '0.00' is '9.00'. General, text and formats this does not handle give the plain number.
 */
export function formatNumber(value: number, numFmt: string | undefined): string {
  if (!numFmt || /^(general|@)$/i.test(numFmt.trim())) return general(value);
  const parts = sections(numFmt);
  const negativeSection = value < 0 && parts.length > 1;
  const code = (value === 0 && parts.length > 2 ? parts[2] : negativeSection ? parts[1] : parts[0]) ?? '';
  const format = readSection(code);
  if (!format) return general(value);
  const text = render(Math.abs(value), format);
  return value < 0 && !negativeSection ? `-${text}` : text;
}

/** Moves the decimal point of an unsigned plain decimal by whole places, as text, with no floating-point step: ('0.935', 2) → '93.5'. */
function shiftPoint(decimal: string, places: number): string {
  const [whole = '0', fraction = ''] = decimal.split('.');
  const point = whole.length + places;
  const digits = '0'.repeat(Math.max(0, -point)) + whole + fraction + '0'.repeat(Math.max(0, point - whole.length - fraction.length));
  const at = Math.max(0, point);
  const integer = digits.slice(0, at).replace(/^0+(?=\d)/, '') || '0';
  const rest = digits.slice(at).replace(/0+$/, '');
  return rest === '' ? integer : `${integer}.${rest}`;
}

/** An unsigned number to the 15 significant digits a spreadsheet keeps, never in exponent notation: 1e-7 → '0.0000001'. */
function plainMagnitude(value: number): string {
  const [mantissa = '0', exponent = '0'] = general(Math.abs(value)).split(/e/i);
  return shiftPoint(mantissa, Number(exponent));
}

/**
 * A numeric cell's exact number as text, in the unit its format gives it: a percent format is
 * the number × 100 in %, a currency format is $, and a literal time unit after the digits
 * (`0" hours"`) is that unit. The format's rounding, grouping and scaling are not applied.
 */
function exactText(value: number, numFmt: string | undefined): string {
  const sign = value < 0 ? '-' : '';
  const magnitude = plainMagnitude(value);
  const general = !numFmt || /^(general|@)$/i.test(numFmt.trim());
  const format = general ? null : readSection(sections(numFmt)[0] ?? '');
  if (!format) return sign + magnitude;
  if (format.percent) return `${sign}${shiftPoint(magnitude, 2)}%`;
  if (`${format.prefix}${format.suffix}`.includes('$')) return `${sign}$${magnitude}`;
  const withUnit = `${sign}${magnitude} ${format.suffix.trim()}`;
  const parsed = parseValue(withUnit);
  return parsed.ok && parsed.unit !== null ? withUnit : sign + magnitude;
}

/** True when two texts read as the same number in the same unit. */
function sameReading(a: string, b: string): boolean {
  const x = parseValue(a);
  const y = parseValue(b);
  return x.ok && y.ok && x.value === y.value && x.unit === y.unit;
}

/**
 * A value cell as a reading: raw is what scoring parses, displayed is the text a spreadsheet
 * program shows when it reads as a different number (null otherwise). A numeric cell is its
 * stored number: 3.85 shown as '3.9' gives raw '3.85' and displayed '3.9'; 0.93 shown as '93%'
 * gives raw '93%'. Any other cell gives its text.
 */
export function cellReading(cell: Cell): { raw: string; displayed: string | null } {
  const value = cellScalar(cell);
  if (typeof value !== 'number') return { raw: cellText(cell), displayed: null };
  const displayed = formatNumber(value, cell.numFmt);
  const exact = exactText(value, cell.numFmt);
  return sameReading(displayed, exact) ? { raw: displayed, displayed: null } : { raw: exact, displayed };
}
