import { InfiniteListView } from '../components/InfiniteListView.js';
import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';
import { TaskList } from '../components/TaskList.js';
import { formatCount } from '../format.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { getRouteApi } from '@tanstack/react-router';
import { useSetSearch } from '../search.js';
import { trpc } from '../trpc.js';
import '../workday.css';

export const dueWindows = ['overdue', 'today', 'week', 'open'] as const;
type Due = (typeof dueWindows)[number];

const windows: { key: Due; label: string; empty: string }[] = [
  { key: 'overdue', label: 'Overdue', empty: 'Nothing is overdue.' },
  { key: 'today', label: 'Today', empty: 'Nothing is due today.' },
  { key: 'week', label: 'This week', empty: 'Nothing is due in the next seven days.' },
  { key: 'open', label: 'All open', empty: 'There are no open tasks.' },
];

const PAGE_SIZE = 30;

const route = getRouteApi('/tasks');

/** "My tasks": the caller's open tasks by due window (or everyone's), each completed or moved in one click. */
export function TasksPage() {
  const search = route.useSearch();
  const setSearch = useSetSearch('/tasks');
  const due = search.due ?? 'today';
  const everyone = search.who === 'all';
  const assignee = everyone ? null : 'me';
  const counts = trpc.tasks.counts.useQuery({ assignee });
  const list = useInfiniteList(trpc.tasks.list, { limit: PAGE_SIZE, assignee, status: 'open', due: due === 'open' ? null : due });
  const current = windows.find((w) => w.key === due) ?? windows[1];
  return (
    <Page title={everyone ? 'Everyone’s tasks' : 'My tasks'} description="Open tasks by due date: complete them or move them in one click.">
      <div className="card card-flush">
        <div className="card-toolbar">
          <div className="segmented segmented-wrap" role="group" aria-label="Due">
            {windows.map((w) => (
              <button
                key={w.key}
                type="button"
                className="segmented-option"
                aria-pressed={w.key === due}
                onClick={() => setSearch({ due: w.key === 'today' ? undefined : w.key })}
              >
                {w.label}
                {counts.data && <span className="count-pill">{formatCount(w.key === 'open' ? counts.data.open : counts.data[w.key])}</span>}
              </button>
            ))}
          </div>
          <div className="segmented" role="group" aria-label="Whose tasks">
            <button type="button" className="segmented-option" aria-pressed={!everyone} onClick={() => setSearch({ who: undefined })}>
              Mine
            </button>
            <button type="button" className="segmented-option" aria-pressed={everyone} onClick={() => setSearch({ who: 'all' })}>
              Everyone
            </button>
          </div>
        </div>
        <InfiniteListView
          list={list}
          loadingLabel="Loading tasks…"
          errorTitle="Tasks could not be loaded"
          empty={<EmptyState title={current?.empty ?? 'No tasks.'}>Tasks come from playbook steps, triggers and the account pages.</EmptyState>}
        >
          {(items) => <TaskList tasks={items} label={`${current?.label ?? ''} tasks`} />}
        </InfiniteListView>
      </div>
    </Page>
  );
}
