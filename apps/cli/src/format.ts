/** Plain-text tables: columns padded to their widest cell; the last column is never padded or cut. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const text = rows.map((row) => headers.map((_, i) => cell(row[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...text.map(line)].join('\n');
}

export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/\s+/g, ' ');
}

export function score(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(1);
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${Math.round(value * 100)}%`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
