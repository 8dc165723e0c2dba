import { useState } from 'react';
import { Card } from '../components/Card.js';
import { ExecutionCard, executionStatuses, executionStatusLabels, type ExecutionStatus } from '../components/ExecutionCard.js';
import { SelectField } from '../components/Field.js';
import { InfiniteListView } from '../components/InfiniteListView.js';
import { Page } from '../components/Page.js';
import { RecommendationList, type PlaybookKey } from '../components/Recommendations.js';
import { StartPlaybookDialog } from '../components/StartPlaybookDialog.js';
import { EmptyState, QueryView } from '../components/states.js';
import { errorMessage } from '../errors.js';
import { formatCount } from '../format.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { getRouteApi } from '@tanstack/react-router';
import { useSetSearch } from '../search.js';
import { trpc, type RouterOutputs } from '../trpc.js';

type Playbook = RouterOutputs['playbooks']['catalogue'][number];
export const playbookTabs = ['board', 'recommendations', 'catalogue'] as const;
type Tab = (typeof playbookTabs)[number];

const tabs: { id: Tab; label: string }[] = [
  { id: 'board', label: 'Runs' },
  { id: 'recommendations', label: 'Recommendations' },
  { id: 'catalogue', label: 'Catalogue' },
];

const emptyColumns: Record<ExecutionStatus, string> = {
  active: 'No run in progress.',
  paused: 'No paused run.',
  completed: 'No completed run yet.',
  cancelled: 'No cancelled run.',
};

function BoardColumn({ status, playbookKey }: { status: ExecutionStatus; playbookKey: PlaybookKey | null }) {
  const runs = useInfiniteList(trpc.playbooks.list, { limit: 20, status, playbookKey });
  return (
    <section className="board-column" aria-labelledby={`board-${status}`}>
      <header className="board-column-header">
        <h2 id={`board-${status}`} className="board-column-title">
          {executionStatusLabels[status]}
        </h2>
        <span className="cell-muted">{runs.status === 'success' ? `${formatCount(runs.items.length)}${runs.hasMore ? '+' : ''}` : ''}</span>
      </header>
      <InfiniteListView list={runs} loadingLabel="Loading…" empty={<p className="board-empty">{emptyColumns[status]}</p>}>
        {(items) => (
          <div className="board-cards">
            {items.map((execution) => (
              <ExecutionCard key={execution.id} execution={execution} />
            ))}
          </div>
        )}
      </InfiniteListView>
    </section>
  );
}

function Board({ playbookKey }: { playbookKey: PlaybookKey | null }) {
  return (
    <div className="board">
      {executionStatuses.map((status) => (
        <BoardColumn key={status} status={status} playbookKey={playbookKey} />
      ))}
    </div>
  );
}

function Recommendations({ playbookKey }: { playbookKey: PlaybookKey | null }) {
  const list = useInfiniteList(trpc.playbooks.recommendations, { limit: 20, playbookKey });
  const utils = trpc.useUtils();
  const evaluate = trpc.playbooks.evaluate.useMutation({ onSuccess: () => utils.playbooks.invalidate() });
  return (
    <Card
      title="Recommendations"
      description="Accounts that cross a playbook's trigger, most urgent first, with the thresholds they crossed."
      actions={
        <button type="button" className="button button-secondary" disabled={evaluate.isPending} onClick={() => evaluate.mutate()}>
          {evaluate.isPending ? 'Evaluating…' : 'Evaluate now'}
        </button>
      }
    >
      {evaluate.error && (
        <p className="form-error" role="alert">
          {errorMessage(evaluate.error)}
        </p>
      )}
      {evaluate.data && (
        <p className="notice" role="status">
          Evaluated {formatCount(evaluate.data.evaluatedAccounts)} accounts: {formatCount(evaluate.data.recommendations)} recommendations.
        </p>
      )}
      <InfiniteListView
        list={list}
        loadingLabel="Loading recommendations…"
        empty={<EmptyState title="No playbook recommended">No account crosses a playbook trigger right now.</EmptyState>}
      >
        {(items) => <RecommendationList recommendations={items} />}
      </InfiniteListView>
    </Card>
  );
}

function PlaybookCard({ playbook, onStart }: { playbook: Playbook; onStart: () => void }) {
  return (
    <Card
      title={playbook.name}
      description={`${playbook.durationDays} days · ${playbook.steps.length} steps`}
      actions={
        <button type="button" className="button button-secondary" onClick={onStart}>
          Start<span className="visually-hidden"> {playbook.name}</span> for an account
        </button>
      }
    >
      <p className="playbook-purpose">{playbook.purpose}</p>
      <div className="playbook-lists">
        <div>
          <h3 className="subsection-title">Before you start</h3>
          <ul className="plain-list">
            {playbook.prerequisites.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </div>
        <div>
          <h3 className="subsection-title">Success looks like</h3>
          <ul className="plain-list">
            {playbook.successCriteria.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </div>
      </div>
      <details className="playbook-steps">
        <summary>The {playbook.steps.length} steps</summary>
        <ol>
          {playbook.steps.map((step) => (
            <li key={step.title}>
              <strong>{step.title}</strong>
              <p className="cell-muted">{step.guidance}</p>
            </li>
          ))}
        </ol>
      </details>
    </Card>
  );
}

function Catalogue({ onStart }: { onStart: (key: PlaybookKey) => void }) {
  const catalogue = trpc.playbooks.catalogue.useQuery();
  return (
    <QueryView query={catalogue} loadingLabel="Loading the catalogue…">
      {(playbooks) => (
        <div className="catalogue">
          {playbooks.map((playbook) => (
            <PlaybookCard key={playbook.key} playbook={playbook} onStart={() => onStart(playbook.key)} />
          ))}
        </div>
      )}
    </QueryView>
  );
}

const route = getRouteApi('/playbooks');

export function PlaybooksPage() {
  const search = route.useSearch();
  const setSearch = useSetSearch('/playbooks');
  const tab = search.tab ?? 'board';
  const catalogue = trpc.playbooks.catalogue.useQuery();
  const wanted = search.playbook;
  const playbookKey = catalogue.data?.find((playbook) => playbook.key === wanted)?.key ?? null;
  const [starting, setStarting] = useState<{ key?: PlaybookKey } | null>(null);

  return (
    <Page
      title="Playbooks"
      description="Repeatable plays for accounts that need them: recommended when a trigger fires, worked step by step."
      actions={
        <button type="button" className="button button-primary" onClick={() => setStarting({})}>
          Start a playbook
        </button>
      }
    >
      <div className="tabs-bar">
        <nav className="tabs" aria-label="Playbook views">
          {tabs.map((item) => (
            <button
              key={item.id}
              type="button"
              className="tab"
              aria-current={tab === item.id ? 'page' : undefined}
              onClick={() => setSearch({ tab: item.id === 'board' ? undefined : item.id })}
            >
              {item.label}
            </button>
          ))}
        </nav>
        {tab !== 'catalogue' && (
          <SelectField
            label="Playbook"
            name="playbook"
            value={playbookKey ?? ''}
            onChange={(event) => setSearch({ playbook: event.target.value || undefined })}
            fieldClassName="tabs-filter"
          >
            <option value="">All playbooks</option>
            {catalogue.data?.map((playbook) => (
              <option key={playbook.key} value={playbook.key}>
                {playbook.name}
              </option>
            ))}
          </SelectField>
        )}
      </div>
      {tab === 'board' && <Board playbookKey={playbookKey} />}
      {tab === 'recommendations' && <Recommendations playbookKey={playbookKey} />}
      {tab === 'catalogue' && <Catalogue onStart={(key) => setStarting({ key })} />}
      {starting && <StartPlaybookDialog open onClose={() => setStarting(null)} playbookKey={starting.key} />}
    </Page>
  );
}
