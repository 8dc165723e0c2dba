import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';
import { Link } from '@tanstack/react-router';

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <div className="card">
        <EmptyState
          title="There is nothing at this address"
          action={
            <Link to="/" className="button button-secondary">
              Back to the dashboard
            </Link>
          }
        >
          Check the link, or use the navigation on the left.
        </EmptyState>
      </div>
    </Page>
  );
}
