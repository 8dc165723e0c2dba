import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';

/** Stands in for screens whose API is not there yet. */
export function ComingSoonPage({ title, description }: { title: string; description: string }) {
  return (
    <Page title={title} description={description}>
      <div className="card">
        <EmptyState title="Coming soon">This part of Pulse is being built and will appear here shortly.</EmptyState>
      </div>
    </Page>
  );
}
