import type { Tier } from '@pulse/scoring';
import { CartesianGrid, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber, formatPeriod } from '../format.js';
import { tierColors, tierLabels, type TierBand } from '../health.js';

export interface TrendPoint {
  period: string;
  value: number | null;
  /** Colours the point; the line itself stays neutral. */
  tier: Tier;
}

export interface TrendChartProps {
  points: TrendPoint[];
  /** What the values are, for the tooltip and the screen-reader summary. */
  name: string;
  unit?: string;
  /** Tier bands drawn behind the line (the organisation's thresholds, or a KPI's range). */
  bands?: TierBand[];
  domain?: [number, number];
  height?: number;
}

const withUnit = (value: number | null, unit: string | undefined) => {
  if (value === null) return 'no value';
  return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);
};

function summary(points: TrendPoint[], name: string, unit?: string): string {
  const valued = points.filter((point) => point.value !== null);
  const first = valued[0];
  const last = valued.at(-1);
  if (!first || !last) return `${name}: no values yet.`;
  if (first === last) return `${name}: ${withUnit(last.value, unit)} in ${formatPeriod(last.period)}.`;
  return `${name} from ${withUnit(first.value, unit)} in ${formatPeriod(first.period)} to ${withUnit(last.value, unit)} in ${formatPeriod(last.period)}, ${tierLabels[last.tier].toLowerCase()}.`;
}

interface DotProps {
  cx?: number;
  cy?: number;
  payload?: TrendPoint;
}

function TierDot({ cx, cy, payload }: DotProps) {
  if (cx === undefined || cy === undefined || !payload || payload.value === null) return null;
  return <circle cx={cx} cy={cy} r={3.5} fill={tierColors[payload.tier]} stroke="#fff" strokeWidth={1.5} />;
}

/** A line over periods on the tier colours; the figure caption summarises it for screen readers. */
export function TrendChart({ points, name, unit, bands = [], domain, height = 220 }: TrendChartProps) {
  return (
    <figure className="trend-chart">
      <figcaption className="visually-hidden">{summary(points, name, unit)}</figcaption>
      <div aria-hidden="true">
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            {bands.map((band) => (
              <ReferenceArea
                key={`${band.tier}-${band.from}`}
                y1={band.from}
                y2={band.to}
                fill={tierColors[band.tier]}
                fillOpacity={0.08}
                stroke="none"
                ifOverflow="hidden"
              />
            ))}
            <CartesianGrid stroke="#e6e9ee" vertical={false} />
            <XAxis
              dataKey="period"
              tickFormatter={formatPeriod}
              tick={{ fontSize: 12, fill: '#556070' }}
              tickLine={false}
              axisLine={{ stroke: '#dfe3e8' }}
              minTickGap={16}
            />
            <YAxis
              domain={domain ?? ['auto', 'auto']}
              tick={{ fontSize: 12, fill: '#556070' }}
              tickLine={false}
              axisLine={false}
              width={44}
              allowDecimals={false}
            />
            <Tooltip
              formatter={(value) => [withUnit(typeof value === 'number' ? value : null, unit), name]}
              labelFormatter={(label) => (typeof label === 'string' ? formatPeriod(label) : label)}
              contentStyle={{ borderRadius: 8, borderColor: '#dfe3e8', fontSize: 13 }}
            />
            <Line
              type="monotone"
              dataKey="value"
              name={name}
              stroke="#3347c4"
              strokeWidth={2}
              connectNulls
              dot={<TierDot />}
              activeDot={{ r: 5 }}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
