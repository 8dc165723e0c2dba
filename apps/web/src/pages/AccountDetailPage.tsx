import { Card } from '../components/Card.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { Page } from '../components/Page.js';
import { EmptyState, ErrorState, LoadingState, QueryView } from '../components/states.js';
import { RenewalDate } from '../components/RenewalDate.js';
import { Tag } from '../components/Tag.js';
import { formatDate, formatPeriod } from '../format.js';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useSetSearch } from '../search.js';
import { trpc } from '../trpc.js';
import { AccountPlaybooks, AccountUploads } from './account/AccountActivity.js';
import { HealthOverview, HealthTrendChart, PeriodPicker, ScoreExplanation, type HealthTrend } from './account/AccountHealth.js';
import { AccountProfile } from './account/AccountProfile.js';
import { AccountTasks } from './account/AccountTasks.js';
import { AccountTimeline } from './account/AccountTimeline.js';
import { KpiReadings } from './account/KpiReadings.js';
import { ProductHealthCard } from './account/ProductHealth.js';

const route = getRouteApi('/accounts/$accountId');

/** Periods offered by the period picker and drawn in the trend chart. */
const TREND_PERIODS = 24;

function HealthSections({ accountId, trend }: { accountId: string; trend: HealthTrend }) {
  const wanted = route.useSearch({ select: (search) => search.period });
  const setSearch = useSetSearch('/accounts/$accountId');
  const periods = trend.map((point) => point.period);
  const period = wanted && periods.includes(wanted) ? wanted : (periods.at(-1) ?? null);
  const explanation = trpc.health.explain.useQuery({ accountId, period }, { enabled: period !== null });

  if (period === null) {
    return (
      <Card title="Health">
        <EmptyState
          title="No health yet"
          action={
            <Link to="/upload" className="button button-primary">
              Upload KPIs
            </Link>
          }
        >
          Upload a KPI workbook or CSV with readings for this account and Pulse will score it.
        </EmptyState>
      </Card>
    );
  }
  return (
    <QueryView query={explanation} loadingLabel="Loading health…" errorTitle="Health could not be loaded">
      {(data) => (
        <>
          <div className="account-health-grid">
            <Card
              title="Health"
              description={`Stored score of ${formatPeriod(data.period)}.`}
              actions={<PeriodPicker periods={periods} value={period} onChange={(next) => setSearch({ period: next === periods.at(-1) ? undefined : next })} />}
            >
              <HealthOverview health={data.health} tiers={data.tiers} />
            </Card>
            <Card title="Health trend" description={`The last ${trend.length} periods with readings.`}>
              <HealthTrendChart trend={trend} tiers={data.tiers} />
            </Card>
          </div>
          <ProductHealthCard accountId={accountId} period={data.period} tiers={data.tiers} />
          <ScoreExplanation explanation={data} />
          <KpiReadings explanation={data} />
        </>
      )}
    </QueryView>
  );
}

export function AccountDetailPage() {
  const id = route.useParams({ select: (params) => params.accountId });
  const account = trpc.accounts.byId.useQuery({ id });
  const trend = trpc.health.trend.useQuery({ accountId: id, periods: TREND_PERIODS });

  if (account.error && !account.data) {
    const missing = account.error.data?.code === 'NOT_FOUND' || account.error.data?.code === 'BAD_REQUEST';
    return (
      <Page title={missing ? 'Account not found' : 'Account'}>
        <div className="card">
          {missing ? (
            <EmptyState
              title="There is no such account"
              action={
                <Link to="/accounts" className="button button-secondary">
                  All accounts
                </Link>
              }
            >
              It may have been removed, or the link is wrong.
            </EmptyState>
          ) : (
            <ErrorState error={account.error} onRetry={() => void account.refetch()} />
          )}
        </div>
      </Page>
    );
  }
  if (!account.data) {
    return (
      <Page title="Account">
        <LoadingState label="Loading the account…" />
      </Page>
    );
  }
  const data = account.data;
  return (
    <Page
      title={data.name}
      description={
        <span className="account-subtitle">
          <HealthBadge score={data.health.overall === null ? null : Math.round(data.health.overall * 10) / 10} tier={data.health.tier} />
          {data.archivedAt && <Tag tone="warning">Archived {formatDate(data.archivedAt)}</Tag>}
          {data.industry && <span>{data.industry}</span>}
          {data.renewalDate && <RenewalDate date={data.renewalDate} prefix="Renews " />}
        </span>
      }
      actions={
        <Link to="/accounts" className="button button-secondary">
          All accounts
        </Link>
      }
    >
      <AccountProfile account={data} />
      <AccountTasks account={{ id, archived: data.archivedAt !== null }} />
      <AccountTimeline account={{ id, ownerId: data.owner?.id ?? null, archived: data.archivedAt !== null, healthPeriod: data.health.period }} />
      <QueryView query={trend} loadingLabel="Loading health…">
        {(points) => <HealthSections accountId={id} trend={points} />}
      </QueryView>
      <AccountPlaybooks account={{ id, name: data.name, archived: data.archivedAt !== null }} />
      <AccountUploads accountId={id} />
    </Page>
  );
}
