import { formatDate } from '../format.js';
import { Tag } from './Tag.js';

/** Today as YYYY-MM-DD on the reader's calendar, the form renewal dates are stored in. */
function localToday(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function renewalPassed(date: string, now = new Date()): boolean {
  return date < localToday(now);
}

/** A renewal date (a dash without one), flagged when it has passed: the profile needs the next one. */
export function RenewalDate({ date, prefix = '' }: { date: string | null; prefix?: string }) {
  if (!date) return formatDate(null);
  const passed = renewalPassed(date);
  return (
    <span className="renewal-date">
      {passed ? formatDate(date) : `${prefix}${formatDate(date)}`}
      {passed && <Tag tone="warning">Renewal date passed</Tag>}
    </span>
  );
}
