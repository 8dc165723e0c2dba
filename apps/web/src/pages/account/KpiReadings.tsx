import { useState } from 'react';
import { readingBands } from '@pulse/scoring/bands';
import { BandBar } from '../../components/BandBar.js';
import { Card } from '../../components/Card.js';
import { Dialog } from '../../components/Dialog.js';
import { HealthBadge } from '../../components/HealthBadge.js';
import { EmptyState, QueryView } from '../../components/states.js';
import { Tag } from '../../components/Tag.js';
import { TrendChart } from '../../components/TrendChart.js';
import { formatNumber, formatPeriod } from '../../format.js';
import { rangeBands, readingTier } from '../../health.js';
import { trpc } from '../../trpc.js';
import type { Explanation } from './AccountHealth.js';

type Reading = Explanation['readings'][number];

const round1 = (value: number) => Math.round(value * 10) / 10;

const parsedUnits: Record<string, string> = { percent: '%', currency: '$' };

/** The parsed value with the unit it was read in (a reading's unit is the parser's, e.g. "percent"). */
function parsedValue(reading: Reading): string {
  if (reading.value === null) return '—';
  const unit = reading.unit ? (parsedUnits[reading.unit] ?? reading.unit) : '';
  if (unit === '$') return `$${formatNumber(reading.value)}`;
  return unit === '%' ? `${formatNumber(reading.value)}%` : `${formatNumber(reading.value)} ${unit}`.trim();
}

function rangeText(range: NonNullable<Reading['range']>): string {
  const direction = range.higherIsBetter ? 'higher is better' : 'lower is better';
  const healthy = range.higherIsBetter ? `≥ ${formatNumber(range.healthyThreshold)}` : `≤ ${formatNumber(range.healthyThreshold)}`;
  const critical = range.higherIsBetter ? `< ${formatNumber(range.riskThreshold)}` : `> ${formatNumber(range.riskThreshold)}`;
  return `Healthy ${healthy}, critical ${critical} (${range.unit}, ${direction})`;
}

/** Readings grouped by category, in the order of the health categories. */
export function groupReadings(readings: Reading[], categoryOrder: string[]): { category: string; readings: Reading[] }[] {
  const groups = new Map<string, Reading[]>();
  for (const category of categoryOrder) groups.set(category.toLowerCase(), []);
  const names = new Map(categoryOrder.map((category) => [category.toLowerCase(), category]));
  for (const reading of readings) {
    const key = reading.category.toLowerCase();
    if (!names.has(key)) names.set(key, reading.category);
    groups.set(key, [...(groups.get(key) ?? []), reading]);
  }
  return [...groups.entries()].filter(([, items]) => items.length > 0).map(([key, items]) => ({ category: names.get(key) ?? key, readings: items }));
}

function KpiTrend({ accountId, reading, onClose }: { accountId: string; reading: Reading | null; onClose: () => void }) {
  const trend = trpc.kpis.trend.useQuery({ accountId, kpi: reading?.kpi ?? '', periods: 12 }, { enabled: reading !== null });
  const range = reading?.range ?? null;
  return (
    <Dialog
      open={reading !== null}
      title={reading?.kpi ?? ''}
      onClose={onClose}
      wide
      description={range ? rangeText(range) : 'No reference range: this KPI is not scored.'}
    >
      <QueryView query={trend} loadingLabel="Loading the KPI's history…">
        {(points) =>
          points.length === 0 ? (
            <EmptyState title="No history">This KPI has no account-level readings yet.</EmptyState>
          ) : (
            <TrendChart
              name={reading?.kpi ?? 'Value'}
              unit={range?.unit}
              points={points.map((point) => ({ period: point.period, value: point.value, tier: readingTier(point.status) }))}
              bands={range ? rangeBands(range) : []}
              domain={range ? [range.scaleMin, range.scaleMax] : undefined}
            />
          )
        }
      </QueryView>
    </Dialog>
  );
}

function ReadingRow({ reading, onShowTrend }: { reading: Reading; onShowTrend: () => void }) {
  return (
    <tr>
      <th scope="row" className="cell-wrap kpi-name">
        <button type="button" className="link-button" onClick={onShowTrend}>
          {reading.kpi}
        </button>
        {reading.product && <span className="cell-sub">{reading.product}</span>}
        {reading.warning && <span className="reading-warning">{reading.warning}</span>}
      </th>
      <td className="cell-muted">
        {reading.raw}
        {reading.displayed !== null && <span className="cell-sub">Shown in the file as {reading.displayed}</span>}
      </td>
      <td className="numeric">{parsedValue(reading)}</td>
      <td>
        <HealthBadge score={reading.score === null ? null : round1(reading.score)} tier={readingTier(reading.status)} />
      </td>
      <td>{reading.impact}</td>
      <td className="range-cell">
        {reading.range ? (
          <>
            <BandBar range={reading.range} value={reading.status === 'unknown' ? null : reading.value} />
            <span className="range-source">
              <Tag tone={reading.range.source === 'tenant' ? 'primary' : 'neutral'}>{reading.range.source === 'tenant' ? 'Your range' : 'Default'}</Tag>
              <span className="cell-sub">{rangeText(reading.range)}</span>
            </span>
          </>
        ) : (
          <span className="cell-muted">No range</span>
        )}
      </td>
    </tr>
  );
}

const { critical, risk, healthy } = readingBands;

/** Why a reading of 71.7 is healthy while an account of 71.7 may not be: two scales, said in one line. */
function ScalesNote() {
  const settings = trpc.ranges.settings.useQuery();
  const tiers = settings.data?.tiers;
  return (
    <p className="scales-note">
      A reading&rsquo;s score places it in its KPI&rsquo;s band (critical {critical.floor}–{critical.ceiling}, at risk {risk.floor}–{risk.ceiling}, healthy{' '}
      {healthy.floor}–{healthy.ceiling}); the account&rsquo;s own score uses your organisation&rsquo;s tiers
      {tiers ? ` (healthy from ${formatNumber(tiers.healthy)}, at risk from ${formatNumber(tiers.atRisk)})` : ''}.
    </p>
  );
}

/** KPI readings of the period grouped by category, each with the band it falls in and the range used. */
export function KpiReadings({ explanation }: { explanation: Explanation }) {
  const [selected, setSelected] = useState<Reading | null>(null);
  const groups = groupReadings(
    explanation.readings,
    explanation.health.categories.map((category) => category.category),
  );
  return (
    <Card title="KPI readings" description={`${formatPeriod(explanation.period)}. Select a KPI to see its trend.`}>
      {groups.length === 0 ? (
        <EmptyState title="No readings in this period" />
      ) : (
        <>
          <ScalesNote />
          <div className="reading-groups">
            {groups.map((group) => (
              <div key={group.category} className="table-wrap">
                <table className="table readings-table">
                  <caption className="table-caption">{group.category}</caption>
                  <thead>
                    <tr>
                      <th scope="col">KPI</th>
                      <th scope="col">Raw</th>
                      <th scope="col" className="numeric">
                        Value
                      </th>
                      <th scope="col">Band</th>
                      <th scope="col">Impact</th>
                      <th scope="col">Range used</th>
                    </tr>
                  </thead>
                  <tbody>
                    {group.readings.map((reading) => (
                      <ReadingRow key={reading.id} reading={reading} onShowTrend={() => setSelected(reading)} />
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </div>
        </>
      )}
      <KpiTrend accountId={explanation.accountId} reading={selected} onClose={() => setSelected(null)} />
    </Card>
  );
}
