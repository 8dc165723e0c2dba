/** Small timing and statistics helpers; every time is in milliseconds. */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export interface Timing {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
}

export function summarise(samples: readonly number[]): Timing {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
}

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = now();
  const value = await fn();
  return { ms: now() - start, value };
}

/**
 * Runs several measured operations side by side: warm-up rounds, then rounds in which each
 * operation runs once in turn (so drift and caching affect all of them alike).
 */
export async function interleave<K extends string>(
  ops: Record<K, () => Promise<unknown>>,
  rounds: number,
  warmup = Math.max(2, Math.ceil(rounds / 5)),
): Promise<Record<K, Timing>> {
  const keys = Object.keys(ops) as K[];
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < warmup + rounds; round++) {
    for (const key of keys) {
      const start = now();
      await ops[key]();
      if (round >= warmup) samples[key].push(now() - start);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, summarise(samples[k])])) as Record<K, Timing>;
}

export const round = (value: number, digits = 2): number => {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const ratio = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);
