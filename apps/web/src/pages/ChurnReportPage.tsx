import { ExportCsvButton } from '../components/ExportCsvButton.js';
import { Page } from '../components/Page.js';
import { QueryView } from '../components/states.js';
import { formatCount, formatPercent, formatScore } from '../format.js';
import { tierLabels } from '../health.js';
import { getRouteApi } from '@tanstack/react-router';
import { useSetSearch } from '../search.js';
import { trpc, type RouterOutputs } from '../trpc.js';

type Report = RouterOutputs['reports']['churnSignal'];
export const HORIZONS = [1, 3, 6] as const;
type Horizon = (typeof HORIZONS)[number];

function ExportButton({ monthsBefore }: { monthsBefore: Horizon }) {
  const utils = trpc.useUtils();
  return <ExportCsvButton fetchCsv={() => utils.reports.churnSignalCsv.fetch({ monthsBefore }, { staleTime: 0 })} />;
}

/** What the report still needs, as a sentence. */
function Needed({ report }: { report: Report }) {
  if (!report.needed) return null;
  const { outcomes, churned, retained } = report.needed;
  const parts = [
    outcomes > 0 ? `${formatCount(outcomes)} more renewal outcome${outcomes === 1 ? '' : 's'}` : null,
    churned > 0 ? `${formatCount(churned)} more churned` : null,
    retained > 0 ? `${formatCount(retained)} more renewed` : null,
  ].filter(Boolean);
  return (
    <p className="notice notice-warning" role="status">
      Too few outcomes to draw conclusions: Pulse needs {parts.join(', ')} with health {report.monthsBefore} month{report.monthsBefore === 1 ? '' : 's'} before
      the renewal date (at least {report.minimum.outcomes} outcomes, {report.minimum.churned} churned and {report.minimum.retained} renewed). Record outcomes on
      the Renewals page.
    </p>
  );
}

function Chart({ report }: { report: Report }) {
  return (
    <section className="card" aria-labelledby="churn-chart-title">
      <h2 id="churn-chart-title">Churn rate by tier {report.monthsBefore} months before</h2>
      <ul className="category-bars" aria-label="Churn rate by tier">
        {report.tiers.map((t) => (
          <li key={t.tier}>
            <span className="category-name">{tierLabels[t.tier]}</span>
            <span className="category-track" aria-hidden="true">
              <span className={`category-fill band-${t.tier}`} style={{ width: `${Math.round((t.churnRate ?? 0) * 100)}%` }} />
            </span>
            <span className="category-score">{formatPercent(t.churnRate)}</span>
            <span className="category-coverage cell-muted">
              {formatCount(t.churned)} of {formatCount(t.churned + t.retained)} churned
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SignalTable({ report }: { report: Report }) {
  const rows = [{ name: 'Account score', scored: report.outcomes.scored, ...report.account }, ...report.categories.map((c) => ({ name: c.category, ...c }))];
  return (
    <section className="card card-flush" aria-labelledby="churn-table-title">
      <h2 id="churn-table-title" className="card-toolbar">
        “Critical” as a churn warning
      </h2>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Recall and precision of critical as a churn warning, for the account score and per category</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Scored outcomes</th>
              <th scope="col">Churned</th>
              <th scope="col">Critical</th>
              <th scope="col">Critical and churned</th>
              <th scope="col">Recall</th>
              <th scope="col">Precision</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <th scope="row">{r.name}</th>
                <td>{formatCount(r.scored)}</td>
                <td>{formatCount(r.churned)}</td>
                <td>{formatCount(r.critical)}</td>
                <td>{formatCount(r.criticalChurned)}</td>
                <td>{formatPercent(r.recall)}</td>
                <td>{formatPercent(r.precision)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const route = getRouteApi('/reports/churn');

/** Does health predict churn? Recorded renewal outcomes against the health before them. */
export function ChurnReportPage() {
  const monthsBefore = route.useSearch({ select: (search) => search.months }) ?? 3;
  const setSearch = useSetSearch('/reports/churn');
  const report = trpc.reports.churnSignal.useQuery({ monthsBefore });
  return (
    <Page
      title="Churn signal"
      description="Whether health predicted the renewals that followed: recall is the share of churned accounts that were critical beforehand, precision the share of critical accounts that churned."
      actions={<ExportButton monthsBefore={monthsBefore} />}
    >
      <div className="segmented segmented-wrap" role="group" aria-label="Health measured before the renewal">
        {HORIZONS.map((m) => (
          <button
            key={m}
            type="button"
            className="segmented-option"
            aria-pressed={m === monthsBefore}
            onClick={() => setSearch({ months: m === 3 ? undefined : m })}
          >
            {m} month{m === 1 ? '' : 's'} before
          </button>
        ))}
      </div>
      <QueryView query={report} loadingLabel="Computing the report…" errorTitle="The report could not be computed">
        {(data) => (
          <>
            <Needed report={data} />
            <p className="cell-muted">
              {formatCount(data.outcomes.total)} recorded outcomes; {formatCount(data.outcomes.scored)} with a health score {data.monthsBefore} months before (
              {formatCount(data.outcomes.churned)} churned, {formatCount(data.outcomes.retained)} renewed, expanded or contracted). Mean score before churn{' '}
              {formatScore(data.meanScore.churned)}, before renewal {formatScore(data.meanScore.retained)}.
            </p>
            <Chart report={data} />
            <SignalTable report={data} />
          </>
        )}
      </QueryView>
    </Page>
  );
}
