import { formatCount, formatMoney } from '../format.js';
import { tiers } from '@pulse/api/vocabulary';
import { tierLabels } from '../health.js';
import { Link } from '@tanstack/react-router';
import { trpc, type RouterOutputs } from '../trpc.js';
import { Card } from './Card.js';
import { QueryView } from './states.js';
import '../workday.css';

type Summary = RouterOutputs['health']['summary'];

const compactMoney = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });

/** "$2.4M at risk, $0.9M critical": revenue per health tier, each linking to those accounts by revenue. */
function RevenueByTier({ summary }: { summary: Summary }) {
  const revenue = summary.revenueByTier;
  return (
    <Card
      title="Revenue by health"
      description={`${compactMoney.format(revenue.at_risk)} at risk, ${compactMoney.format(revenue.critical)} critical.`}
      actions={
        <Link to="/accounts" search={{ sort: 'revenue', dir: 'desc' }}>
          All by revenue
        </Link>
      }
    >
      <ul className="work-tiles" aria-label="Revenue per health tier">
        {tiers.map((tier) => (
          <li key={tier}>
            <Link to="/accounts" search={{ tier, sort: 'revenue', dir: 'desc' }} className="work-tile" title={formatMoney(revenue[tier])}>
              <span className="work-tile-label">
                <span className={`health-dot health-dot-${tier}`} aria-hidden="true" /> {tierLabels[tier]}
              </span>
              <span className="work-tile-value">{compactMoney.format(revenue[tier])}</span>
            </Link>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** The signed-in user's open tasks: overdue, due today and this week. */
function MyTasks() {
  const counts = trpc.tasks.counts.useQuery({ assignee: 'me' });
  return (
    <Card title="My tasks" actions={<Link to="/tasks">Open my tasks</Link>}>
      <QueryView query={counts} loadingLabel="Loading tasks…" errorTitle="Tasks could not be loaded">
        {(data) => (
          <ul className="work-tiles" aria-label="My open tasks">
            {(
              [
                ['overdue', 'Overdue', data.overdue],
                ['today', 'Due today', data.today],
                ['week', 'This week', data.week],
              ] as const
            ).map(([key, label, count]) => (
              <li key={key}>
                <Link to="/tasks" search={{ due: key === 'today' ? undefined : key }} className="work-tile">
                  <span className="work-tile-label">{label}</span>
                  <span className="work-tile-value">{formatCount(count)}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </Card>
  );
}

/** The dashboard's working-day row: money at stake and the caller's tasks. */
export function WorkdayCards({ summary }: { summary: Summary }) {
  return (
    <div className="work-row">
      <RevenueByTier summary={summary} />
      <MyTasks />
    </div>
  );
}
