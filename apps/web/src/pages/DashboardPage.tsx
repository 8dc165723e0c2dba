import type { Tier } from '@pulse/scoring';
import { HealthBadge } from '../components/HealthBadge.js';
import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';
import { Link } from '../router.js';
import type { SignedInSession } from '../trpc.js';

function greeting(hour: number): string {
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

const legend: { tier: Tier; meaning: string }[] = [
  { tier: 'healthy', meaning: 'Doing well: keep the relationship warm.' },
  { tier: 'at_risk', meaning: 'Slipping: worth a conversation soon.' },
  { tier: 'critical', meaning: 'Needs action now.' },
  { tier: 'unknown', meaning: 'No KPI reading could be scored yet.' },
];

export function DashboardPage({ session }: { session: SignedInSession }) {
  const firstName = session.user.name.split(/\s+/)[0];
  return (
    <Page title={`${greeting(new Date().getHours())}, ${firstName}`} description={`Account health for ${session.tenant.name}.`}>
      <div className="dashboard-grid">
        <section className="card" aria-labelledby="dashboard-accounts">
          <h2 id="dashboard-accounts" className="card-title">
            Accounts
          </h2>
          <EmptyState
            title="No account health yet"
            action={
              <Link to="/upload" className="button button-primary">
                Upload KPI workbooks
              </Link>
            }
          >
            Upload your customers&rsquo; KPI workbooks and Pulse will score each account, so you can see at a glance
            who is healthy and who needs attention.
          </EmptyState>
        </section>
        <section className="card" aria-labelledby="dashboard-legend">
          <h2 id="dashboard-legend" className="card-title">
            How health is shown
          </h2>
          <dl className="legend">
            {legend.map(({ tier, meaning }) => (
              <div key={tier} className="legend-row">
                <dt>
                  <HealthBadge tier={tier} score={null} />
                </dt>
                <dd>{meaning}</dd>
              </div>
            ))}
          </dl>
          <p className="card-note">Admins set the score thresholds of each tier in Settings.</p>
        </section>
      </div>
    </Page>
  );
}
