import { Card } from '../components/Card.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { Page } from '../components/Page.js';
import { RecommendationList } from '../components/Recommendations.js';
import { EmptyState, QueryView } from '../components/states.js';
import { TrendChart } from '../components/TrendChart.js';
import { UploadTable } from '../components/UploadTable.js';
import { WorkdayCards } from '../components/WorkdayCards.js';
import { formatChange, formatCount, formatPeriod, formatScore } from '../format.js';
import { tierFor, tiers } from '@pulse/api/vocabulary';
import { tierBands, tierLabels } from '../health.js';
import { getRouteApi, Link, type LinkOptions } from '@tanstack/react-router';
import { useSetSearch } from '../search.js';
import { useSignedInSession } from '../session.js';
import { trpc, type RouterOutputs } from '../trpc.js';

type Summary = RouterOutputs['health']['summary'];
type Thresholds = RouterOutputs['ranges']['settings']['tiers'];

function greeting(hour: number): string {
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

const tierMeaning = {
  healthy: 'Doing well',
  at_risk: 'Worth a conversation soon',
  critical: 'Needs action now',
  unknown: 'No scored reading yet',
} as const;

function TierTiles({ summary }: { summary: Summary }) {
  return (
    <ul className="tier-tiles" aria-label="Accounts per health tier">
      {tiers.map((tier) => (
        <li key={tier}>
          <Link to="/accounts" search={{ tier }} className={`tier-tile tier-tile-${tier}`}>
            <span className="tier-tile-label">
              <span className={`health-dot health-dot-${tier}`} aria-hidden="true" />
              {tierLabels[tier]}
            </span>
            <span className="tier-tile-count">{formatCount(summary.byTier[tier])}</span>
            <span className="tier-tile-meaning">{tierMeaning[tier]}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function AverageHealth({ summary, thresholds }: { summary: Summary; thresholds: Thresholds | undefined }) {
  const trend = summary.averageTrend;
  const change = summary.averageChange;
  const tierOf = (score: number | null) => (thresholds ? tierFor(score, thresholds) : 'unknown');
  return (
    <Card title="Average health" description={`Across ${formatCount(summary.accounts)} active accounts, latest period of each.`} className="average-card">
      <div className="average-figure">
        <HealthBadge score={summary.averageHealth === null ? null : Math.round(summary.averageHealth * 10) / 10} tier={tierOf(summary.averageHealth)} />
        {change && (
          <span className="trend-change">
            {formatChange(change.change)} since {formatPeriod(change.previousPeriod)}
            <span className="trend-change-basis">
              {change.accounts === 1 ? 'for the one account' : `across the ${formatCount(change.accounts)} accounts`} scored in both{' '}
              {formatPeriod(change.previousPeriod)} and {formatPeriod(change.period)}
            </span>
          </span>
        )}
      </div>
      {trend.length > 0 && (
        <TrendChart
          name="Average health"
          points={trend.map((point) => ({ period: point.period, value: point.average, tier: tierOf(point.average) }))}
          bands={thresholds ? tierBands(thresholds) : []}
          domain={[0, 100]}
          height={200}
        />
      )}
    </Card>
  );
}

function NeedingAttention({ summary }: { summary: Summary }) {
  return (
    <Card
      title="Needing attention"
      description="Critical and at-risk accounts, lowest score first."
      actions={
        <Link to="/accounts" search={{ sort: 'health', dir: 'asc' }}>
          All by health
        </Link>
      }
    >
      {summary.needingAttention.length === 0 ? (
        <EmptyState title="No account needs attention">Every scored account is healthy.</EmptyState>
      ) : (
        <ul className="rank-list">
          {summary.needingAttention.map((account) => (
            <li key={account.id}>
              <Link to="/accounts/$accountId" params={{ accountId: account.id }}>
                {account.name}
              </Link>
              <HealthBadge score={account.overall === null ? null : Math.round(account.overall * 10) / 10} tier={account.tier} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function BiggestDrops({ summary }: { summary: Summary }) {
  return (
    <Card title="Biggest drops since last period" description="Accounts whose score fell most from their previous period.">
      {summary.biggestDrops.length === 0 ? (
        <EmptyState title="No score fell">No account scored lower than in its previous period.</EmptyState>
      ) : (
        <ul className="rank-list">
          {summary.biggestDrops.map((drop) => (
            <li key={drop.id}>
              <Link to="/accounts/$accountId" params={{ accountId: drop.id }}>
                {drop.name}
              </Link>
              <span className="drop">
                <span className="cell-muted">
                  {formatScore(drop.previous)} → {formatScore(drop.overall)}
                </span>
                <strong className="drop-change">{formatChange(drop.change)}</strong>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

type SetupStep = keyof Summary['setup'];

const setupSteps: { step: SetupStep; title: string; detail: string; to: LinkOptions['to']; action: string; adminOnly: boolean }[] = [
  {
    step: 'profiles',
    title: 'Import customer profiles',
    detail: 'Your accounts with their industry, CSM owner and renewal date.',
    to: '/accounts',
    action: 'Go to Accounts',
    adminOnly: false,
  },
  {
    step: 'kpis',
    title: 'Upload KPIs',
    detail: 'A KPI workbook or CSV file per period; Pulse scores each account.',
    to: '/upload',
    action: 'Upload KPIs',
    adminOnly: false,
  },
  {
    step: 'ranges',
    title: 'Review ranges and weights',
    detail: 'Check the reference ranges and how much each category counts.',
    to: '/ranges',
    action: 'Review ranges',
    adminOnly: true,
  },
  { step: 'teammates', title: 'Invite teammates', detail: 'Add the people who work on your accounts.', to: '/users', action: 'Add users', adminOnly: true },
];

/** The first steps of a new organisation; each ticks itself once done, and the list goes away when all are. */
function SetupChecklist({ setup, isAdmin }: { setup: Summary['setup']; isAdmin: boolean }) {
  const done = setupSteps.filter(({ step }) => setup[step]).length;
  if (done === setupSteps.length) return null;
  return (
    <Card title="Set up Pulse" description={`${done} of ${setupSteps.length} done.`} className="setup-card">
      <ol className="setup-list">
        {setupSteps.map(({ step, title, detail, to, action, adminOnly }) => (
          <li key={step} className={setup[step] ? 'setup-step setup-step-done' : 'setup-step'}>
            <span className="setup-mark" aria-hidden="true">
              {setup[step] ? '✓' : ''}
            </span>
            <span className="setup-text">
              <strong>{title}</strong>
              <span className="visually-hidden">{setup[step] ? ' (done)' : ' (to do)'}</span>
              <span className="setup-detail">{detail}</span>
            </span>
            {!setup[step] && (isAdmin || !adminOnly) && (
              <Link to={to} className="button button-secondary button-small">
                {action}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}

function RecentUploads() {
  const uploads = trpc.uploads.list.useQuery({ limit: 5 });
  return (
    <Card title="Recent uploads" actions={<Link to="/upload">Upload</Link>}>
      <QueryView query={uploads} loadingLabel="Loading uploads…">
        {(page) =>
          page.items.length === 0 ? <EmptyState title="Nothing uploaded yet" /> : <UploadTable uploads={page.items} caption="The five latest uploads" compact />
        }
      </QueryView>
    </Card>
  );
}

function RecommendedPlaybooks({ owner }: { owner: 'me' | null }) {
  const recommendations = trpc.playbooks.recommendations.useQuery({ limit: 5, owner });
  return (
    <Card
      title="Recommended playbooks"
      description="The most urgent first."
      actions={
        <Link to="/playbooks" search={{ tab: 'recommendations' }}>
          All recommendations
        </Link>
      }
    >
      <QueryView query={recommendations} loadingLabel="Loading recommendations…">
        {(page) =>
          page.items.length === 0 ? (
            <EmptyState title="No playbook recommended">No account crosses a playbook trigger right now.</EmptyState>
          ) : (
            <RecommendationList recommendations={page.items} compact />
          )
        }
      </QueryView>
    </Card>
  );
}

/** Members start on their own accounts, admins on everyone's; ?who= switches. */
function BookSwitch({ mine }: { mine: boolean }) {
  const setSearch = useSetSearch('/');
  return (
    <div className="segmented" role="group" aria-label="Whose accounts">
      <button type="button" className="segmented-option" aria-pressed={mine} onClick={() => setSearch({ who: 'me' })}>
        My accounts
      </button>
      <button type="button" className="segmented-option" aria-pressed={!mine} onClick={() => setSearch({ who: 'all' })}>
        Everyone’s
      </button>
    </div>
  );
}

const route = getRouteApi('/');

export function DashboardPage() {
  const session = useSignedInSession();
  const firstName = session.user.name.split(/\s+/)[0];
  const who = route.useSearch({ select: (search) => search.who });
  const setSearch = useSetSearch('/');
  const mine = (who ?? (session.user.role === 'admin' ? 'all' : 'me')) === 'me';
  const owner = mine ? 'me' : null;
  const summary = trpc.health.summary.useQuery({ owner });
  const settings = trpc.ranges.settings.useQuery();
  const isAdmin = session.user.role === 'admin';
  return (
    <Page
      title={`${greeting(new Date().getHours())}, ${firstName}`}
      description={`Account health for ${session.tenant.name}${mine ? ', your accounts' : ''}.`}
      actions={<BookSwitch mine={mine} />}
    >
      <QueryView query={summary} loadingLabel="Loading account health…" errorTitle="Account health could not be loaded">
        {(data) =>
          data.accounts === 0 && mine ? (
            <div className="card">
              <EmptyState
                title="No account is yours yet"
                action={
                  <button type="button" className="button button-primary" onClick={() => setSearch({ who: 'all' })}>
                    See everyone’s accounts
                  </button>
                }
              >
                An admin assigns owners on the accounts list, or the owner named in a customer profile is matched to you.
              </EmptyState>
            </div>
          ) : data.accounts === 0 ? (
            <>
              <SetupChecklist setup={data.setup} isAdmin={isAdmin} />
              <div className="card">
                <EmptyState
                  title="No account health yet"
                  action={
                    <Link to="/upload" className="button button-primary">
                      Upload KPI workbooks
                    </Link>
                  }
                >
                  Upload your customers&rsquo; KPI workbooks and Pulse will score each account, so you can see at a glance who is healthy and who needs
                  attention.
                </EmptyState>
              </div>
            </>
          ) : (
            <>
              <SetupChecklist setup={data.setup} isAdmin={isAdmin} />
              <TierTiles summary={data} />
              <WorkdayCards summary={data} />
              <div className="dashboard-grid">
                <div className="dashboard-column">
                  <AverageHealth summary={data} thresholds={settings.data?.tiers} />
                  <RecommendedPlaybooks owner={owner} />
                  <RecentUploads />
                </div>
                <div className="dashboard-column">
                  <NeedingAttention summary={data} />
                  <BiggestDrops summary={data} />
                </div>
              </div>
            </>
          )
        }
      </QueryView>
    </Page>
  );
}
