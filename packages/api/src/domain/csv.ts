/**
 * CSV for exports (RFC 4180, CRLF line ends). Dates are written as ISO timestamps and
 * objects as JSON. A text cell that a spreadsheet would run as a formula (starting with
 * =, +, -, @, tab or carriage return, and not a plain number) is prefixed with a quote.
 */

const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/i;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : typeof value === 'string' && FORMULA.test(value) && !NUMBER.test(value)
          ? `'${value}`
          : `${value as string | number | boolean | bigint}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(cell).join(',')}\r\n`;
}
