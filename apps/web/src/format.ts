/** Display formats shared by every screen. Dates arrive from the API as ISO strings. */

const oneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const wholeNumber = new Intl.NumberFormat('en');
const money = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const dateFormat = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const monthFormat = new Intl.DateTimeFormat('en', { month: 'short', year: 'numeric', timeZone: 'UTC' });

export const DASH = '—';

export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? DASH : oneDecimal.format(score);
}

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : twoDecimals.format(value);
}

export function formatCount(value: number): string {
  return wholeNumber.format(value);
}

export function formatMoney(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : money.format(value);
}

/** A share 0–1 as a whole percentage. */
export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined ? DASH : `${Math.round(share * 100)}%`;
}

/** A signed change in points, e.g. "+3.2" or "−12.5". */
export function formatChange(change: number): string {
  const rounded = Math.round(change * 10) / 10;
  if (rounded === 0) return '±0';
  return `${rounded > 0 ? '+' : '−'}${oneDecimal.format(Math.abs(rounded))}`;
}

export function formatDate(value: string | Date | null | undefined): string {
  return value ? dateFormat.format(new Date(value)) : DASH;
}

export function formatDateTime(value: string | Date | null | undefined): string {
  return value ? dateTimeFormat.format(new Date(value)) : DASH;
}

/** "2026-03" as "Mar 2026". */
export function formatPeriod(period: string | null | undefined): string {
  if (!period) return DASH;
  const [year, month] = period.split('-').map(Number);
  if (!year || !month) return period;
  return monthFormat.format(new Date(Date.UTC(year, month - 1, 1)));
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${oneDecimal.format(bytes / 1024)} KB`;
  return `${oneDecimal.format(bytes / (1024 * 1024))} MB`;
}

/** The month before the current one as YYYY-MM, in the user's time zone: monthly KPIs describe a month that has ended. */
export function previousMonth(now = new Date()): string {
  const month = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, '0')}`;
}

/** Phrases as one sentence: "renews in 3 days; health fell 12 points in a period" as "Renews in 3 days; health fell …". */
export function sentence(phrases: readonly string[]): string {
  const text = phrases.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** "at_risk" as "At risk". */
export function humanize(value: string): string {
  const words = value.replace(/[_.]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
