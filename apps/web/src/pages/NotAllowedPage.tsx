import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';
import { Link } from '@tanstack/react-router';

export function NotAllowedPage({ tenantName }: { tenantName: string }) {
  return (
    <Page title="Not allowed">
      <div className="card">
        <EmptyState
          title="You are not allowed to view this page"
          action={
            <Link to="/" className="button button-secondary">
              Back to the dashboard
            </Link>
          }
        >
          Only admins of {tenantName} can open it. Ask an admin if you need access.
        </EmptyState>
      </div>
    </Page>
  );
}
