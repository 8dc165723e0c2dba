import type { Tier } from '@pulse/scoring';
import { formatScore } from '../format.js';
import { tierColors } from '../health.js';

export interface SparklineProps {
  /** Scores 0–100, oldest first; null for a period without a score. */
  values: (number | null)[];
  tier: Tier;
  width?: number;
  height?: number;
}

/** A small inline SVG of recent health on a fixed 0–100 scale, coloured by the current tier. */
export function Sparkline({ values, tier, width = 96, height = 28 }: SparklineProps) {
  const scored = values.filter((value): value is number => value !== null);
  if (scored.length < 2) return <span className="sparkline-empty">Not enough history</span>;
  const step = width / (values.length - 1);
  const y = (value: number) => height - 2 - (value / 100) * (height - 4);
  const points = values.flatMap((value, i) => (value === null ? [] : [`${(i * step).toFixed(1)},${y(value).toFixed(1)}`]));
  const last = points.at(-1)?.split(',').map(Number) ?? [0, 0];
  const label = `Health over the last ${values.length} periods, from ${formatScore(scored[0])} to ${formatScore(scored.at(-1))}`;
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`-2 0 ${width + 4} ${height}`} role="img" aria-label={label}>
      <polyline points={points.join(' ')} fill="none" stroke={tierColors[tier]} strokeWidth="1.75" strokeLinejoin="round" strokeLinecap="round" />
      <circle cx={last[0]} cy={last[1]} r="2.25" fill={tierColors[tier]} />
    </svg>
  );
}
