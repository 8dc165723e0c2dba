import { impactWeights } from '@pulse/scoring';
import { Card } from '../../components/Card.js';
import { SelectField } from '../../components/Field.js';
import { HealthBadge } from '../../components/HealthBadge.js';
import { TrendChart } from '../../components/TrendChart.js';
import { formatCount, formatPercent, formatPeriod, formatScore } from '../../format.js';
import { tierFor } from '@pulse/api/vocabulary';
import { tierBands, tierLabels } from '../../health.js';
import type { RouterOutputs } from '../../trpc.js';

export type Explanation = RouterOutputs['health']['explain'];
export type HealthTrend = RouterOutputs['health']['trend'];
type Category = Explanation['health']['categories'][number];

const round1 = (value: number) => Math.round(value * 10) / 10;

/** Each counted category's share of the overall score: its weight over the counted weights. */
export function contributions(categories: Category[]): { category: Category; share: number | null; points: number | null }[] {
  const counted = categories.filter((c) => c.counted && c.score !== null);
  const total = counted.reduce((sum, c) => sum + c.weight, 0);
  return categories.map((category) => {
    if (!category.counted || category.score === null || total === 0) return { category, share: null, points: null };
    const share = category.weight / total;
    return { category, share, points: category.score * share };
  });
}

export function PeriodPicker({ periods, value, onChange }: { periods: string[]; value: string; onChange: (period: string) => void }) {
  return (
    <SelectField label="Period" name="period" value={value} onChange={(event) => onChange(event.target.value)} fieldClassName="period-picker">
      {[...periods].reverse().map((period) => (
        <option key={period} value={period}>
          {formatPeriod(period)}
        </option>
      ))}
    </SelectField>
  );
}

function notCountedReason(category: Category): string {
  if (category.weight === 0) return 'Weight 0: not counted';
  return 'No scored reading: not counted';
}

/** Overall and category health of one period (of the account or one product), with coverage. */
export function HealthOverview({ health, tiers }: { health: Explanation['health']; tiers: Explanation['tiers'] }) {
  return (
    <div className="health-overview">
      <div className="health-overall">
        <span className="health-overall-label">Overall</span>
        <HealthBadge score={health.overall === null ? null : round1(health.overall)} tier={health.tier} />
        <span className="cell-muted">
          Coverage {formatPercent(health.coverage)}: {formatCount(health.scoredCount)} of {formatCount(health.readingCount)} readings scored
        </span>
      </div>
      <ul className="category-bars" aria-label="Category scores">
        {health.categories.map((category) => {
          const tier = tierFor(category.score, tiers);
          return (
            <li key={category.category}>
              <span className="category-name">{category.category}</span>
              <span className="category-track" aria-hidden="true">
                <span className={`category-fill band-${tier}`} style={{ width: `${Math.max(0, Math.min(100, category.score ?? 0))}%` }} />
              </span>
              <span className="category-score">
                {formatScore(category.score)}
                <span className="visually-hidden"> {tierLabels[tier]}</span>
              </span>
              <span className="category-coverage cell-muted">
                {category.scoredCount}/{category.readingCount} scored
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function HealthTrendChart({ trend, tiers }: { trend: HealthTrend; tiers: Explanation['tiers'] }) {
  return (
    <TrendChart
      name="Health"
      points={trend.map((point) => ({ period: point.period, value: point.overall === null ? null : round1(point.overall), tier: point.tier }))}
      bands={tierBands(tiers)}
      domain={[0, 100]}
    />
  );
}

/** How the overall score was formed from the category scores, weights and tier thresholds. */
export function ScoreExplanation({ explanation }: { explanation: Explanation }) {
  const { health, tiers } = explanation;
  const rows = contributions(health.categories);
  const impacts = Object.entries(impactWeights)
    .map(([impact, weight]) => `${impact} ${weight}`)
    .join(', ');
  return (
    <Card
      title="How the score was formed"
      description={
        <>
          {formatPeriod(explanation.period)}. Weights:{' '}
          {explanation.segment ? (
            <>
              segment <strong>{explanation.segment.name}</strong>
            </>
          ) : (
            'organisation defaults'
          )}
          .
        </>
      }
    >
      <ol className="explain-steps">
        <li>Each KPI reading is scored 0–100 against its reference range (the range shown next to each KPI below).</li>
        <li>Within a category, scores are averaged weighted by the KPI&rsquo;s impact ({impacts}).</li>
        <li>Categories are combined by their weights, shared out over the categories that have a score.</li>
        <li>
          The overall score gives the tier: healthy from {tiers.healthy}, at risk from {tiers.atRisk}, critical below {tiers.atRisk}.
        </li>
      </ol>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Category contributions to the overall score</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col" className="numeric">
                Score
              </th>
              <th scope="col" className="numeric">
                Weight
              </th>
              <th scope="col" className="numeric">
                Share
              </th>
              <th scope="col" className="numeric">
                Points
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ category, share, points }) => (
              <tr key={category.category}>
                <th scope="row" className="explain-category">
                  {category.category}
                </th>
                <td className="numeric">{formatScore(category.score)}</td>
                <td className="numeric">{category.weight}</td>
                {share === null ? (
                  <td colSpan={2} className="numeric cell-muted">
                    {notCountedReason(category)}
                  </td>
                ) : (
                  <>
                    <td className="numeric">{formatPercent(share)}</td>
                    <td className="numeric">{formatScore(points)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4}>
                Overall
              </th>
              <td className="numeric">
                <HealthBadge score={health.overall === null ? null : round1(health.overall)} tier={health.tier} />
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </Card>
  );
}
