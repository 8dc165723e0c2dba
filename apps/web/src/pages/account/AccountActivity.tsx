import { useState } from 'react';
import { Card } from '../../components/Card.js';
import { ExecutionCard } from '../../components/ExecutionCard.js';
import { InfiniteListView } from '../../components/InfiniteListView.js';
import { RecommendationList } from '../../components/Recommendations.js';
import { StartPlaybookDialog } from '../../components/StartPlaybookDialog.js';
import { EmptyState } from '../../components/states.js';
import { UploadTable } from '../../components/UploadTable.js';
import { useInfiniteList } from '../../hooks/useInfiniteList.js';
import { trpc } from '../../trpc.js';

function StartPlaybook({ account }: { account: { id: string; name: string; archived: boolean } }) {
  const [open, setOpen] = useState(false);
  if (account.archived) return <p className="cell-muted">Restore the account to start a playbook.</p>;
  return (
    <>
      <button type="button" className="button button-primary" onClick={() => setOpen(true)}>
        Start a playbook
      </button>
      <StartPlaybookDialog open={open} onClose={() => setOpen(false)} account={account} />
    </>
  );
}

/** Playbook runs and recommendations of one account, and a way to start one. */
export function AccountPlaybooks({ account }: { account: { id: string; name: string; archived: boolean } }) {
  const accountId = account.id;
  const executions = useInfiniteList(trpc.playbooks.list, { limit: 10, accountId });
  const recommendations = trpc.playbooks.recommendations.useQuery({ accountId, limit: 10 });
  return (
    <Card title="Playbooks" actions={<StartPlaybook account={account} />}>
      <h3 className="subsection-title">Runs</h3>
      <InfiniteListView list={executions} loadingLabel="Loading playbook runs…" empty={<p className="cell-muted">No playbook has run for this account yet.</p>}>
        {(items) => (
          <div className="execution-list">
            {items.map((execution) => (
              <ExecutionCard key={execution.id} execution={execution} showAccount={false} />
            ))}
          </div>
        )}
      </InfiniteListView>
      {recommendations.data && recommendations.data.items.length > 0 && (
        <div className="subsection">
          <h3 className="subsection-title">Recommended</h3>
          <RecommendationList recommendations={recommendations.data.items} showAccount={false} />
        </div>
      )}
    </Card>
  );
}

/** Every upload that brought readings for this account, with the original files. */
export function AccountUploads({ accountId }: { accountId: string }) {
  const uploads = useInfiniteList(trpc.uploads.list, { limit: 20, accountId });
  return (
    <Card title="Upload history">
      <InfiniteListView list={uploads} loadingLabel="Loading uploads…" empty={<EmptyState title="No upload has readings for this account" />}>
        {(items) => <UploadTable uploads={items} caption="Uploads with readings for this account" />}
      </InfiniteListView>
    </Card>
  );
}
