import { useEffect, useState } from 'react';
import { Field, SelectField } from '../components/Field.js';
import { InfiniteListView } from '../components/InfiniteListView.js';
import { ExportCsvButton } from '../components/ExportCsvButton.js';
import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';
import { formatDateTime, humanize } from '../format.js';
import { useDebouncedValue } from '../hooks/useDebouncedValue.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { getRouteApi, Link, linkOptions } from '@tanstack/react-router';
import { useSetSearch } from '../search.js';
import { trpc, type RouterOutputs } from '../trpc.js';

type Entry = RouterOutputs['activity']['list']['items'][number];

/**
 * Actions and resource types the API writes (there is no procedure listing them), offered as
 * suggestions; the action filter takes any text and matches the start of the action.
 */
const knownActions = [
  'account.create',
  'account.update',
  'account.archive',
  'account.unarchive',
  'account.import',
  'product.create',
  'upload.accept',
  'upload.reject',
  'range.update',
  'range.reset',
  'note.create',
  'sentiment.set',
  'settings.update',
  'playbook.start',
  'playbook.step_complete',
  'playbook.step_skip',
  'playbook.pause',
  'playbook.resume',
  'playbook.cancel',
  'playbook.complete',
  'playbook.evaluate',
  'playbook_trigger.update',
  'user.create',
  'user.role_change',
  'user.deactivate',
  'user.reactivate',
  'auth.login',
  'auth.logout',
  'auth.login_failed',
  'auth.password_change',
  'tenant.register',
  'tenant.export',
];

const resourceTypes = ['account', 'upload', 'range', 'settings', 'playbook_execution', 'playbook_recommendation', 'playbook_trigger', 'user', 'tenant'];

/** A local calendar day as the ISO instant it starts at; `nextDay` for an exclusive end. */
export function dayStart(day: string, nextDay = false): string | null {
  const [year, month, date] = day.split('-').map(Number);
  if (!year || !month || !date) return null;
  return new Date(year, month - 1, date + (nextDay ? 1 : 0)).toISOString();
}

const route = getRouteApi('/activity');

function useActivityFilters() {
  const search = route.useSearch();
  const fromDay = search.from ?? '';
  const toDay = search.to ?? '';
  return {
    fromDay,
    toDay,
    query: {
      userId: search.user ?? null,
      action: search.action ?? null,
      resourceType: search.type ?? null,
      from: fromDay ? dayStart(fromDay) : null,
      to: toDay ? dayStart(toDay, true) : null,
    },
  };
}

function ActionFilter({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  const settled = useDebouncedValue(value.trim(), 400);
  const setSearch = useSetSearch('/activity');
  useEffect(() => {
    if (settled !== (new URLSearchParams(window.location.search).get('action') ?? '')) setSearch({ action: settled || undefined });
  }, [settled, setSearch]);
  return (
    <>
      <Field
        label="Action"
        name="action"
        list="activity-actions"
        placeholder="e.g. playbook"
        hint="Matches the start of the action: playbook finds playbook.start and playbook.cancel."
        value={value}
        onChange={(event) => setValue(event.target.value)}
      />
      <datalist id="activity-actions">
        {knownActions.map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
    </>
  );
}

function resourceLink(entry: Entry) {
  if (!entry.resourceId) return null;
  if (entry.resourceType === 'account') return linkOptions({ to: '/accounts/$accountId', params: { accountId: entry.resourceId } });
  if (entry.resourceType === 'playbook_execution') return linkOptions({ to: '/playbooks/$executionId', params: { executionId: entry.resourceId } });
  return null;
}

function Details({ entry }: { entry: Entry }) {
  if (entry.before === null && entry.after === null) return <span className="cell-muted">—</span>;
  return (
    <details className="activity-details">
      <summary>Changes</summary>
      {entry.before !== null && (
        <>
          <p className="activity-details-label">Before</p>
          <pre>{JSON.stringify(entry.before, null, 2)}</pre>
        </>
      )}
      {entry.after !== null && (
        <>
          <p className="activity-details-label">After</p>
          <pre>{JSON.stringify(entry.after, null, 2)}</pre>
        </>
      )}
    </details>
  );
}

function ExportButton({ filters }: { filters: ReturnType<typeof useActivityFilters>['query'] }) {
  const utils = trpc.useUtils();
  return <ExportCsvButton fetchCsv={() => utils.activity.exportCsv.fetch(filters, { staleTime: 0 })} />;
}

export function ActivityPage() {
  const filters = useActivityFilters();
  const setSearch = useSetSearch('/activity');
  const users = trpc.users.list.useQuery({ limit: 100 });
  const list = useInfiniteList(trpc.activity.list, { limit: 50, ...filters.query });
  const filtered = Object.values(filters.query).some(Boolean);

  return (
    <Page title="Activity" description="Who changed what, and when, newest first." actions={<ExportButton filters={filters.query} />}>
      <div className="card card-flush">
        <div className="card-toolbar">
          <div className="toolbar" role="search" aria-label="Filter activity">
            <SelectField label="User" name="user" value={filters.query.userId ?? ''} onChange={(event) => setSearch({ user: event.target.value || undefined })}>
              <option value="">Everyone</option>
              {users.data?.items.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.name}
                </option>
              ))}
            </SelectField>
            <ActionFilter initial={filters.query.action ?? ''} />
            <SelectField
              label="Resource"
              name="type"
              value={filters.query.resourceType ?? ''}
              onChange={(event) => setSearch({ type: event.target.value || undefined })}
            >
              <option value="">All resources</option>
              {resourceTypes.map((type) => (
                <option key={type} value={type}>
                  {humanize(type)}
                </option>
              ))}
            </SelectField>
            <Field
              label="From"
              name="from"
              type="date"
              value={filters.fromDay}
              max={filters.toDay || undefined}
              onChange={(event) => setSearch({ from: event.target.value || undefined })}
            />
            <Field
              label="To"
              name="to"
              type="date"
              value={filters.toDay}
              min={filters.fromDay || undefined}
              onChange={(event) => setSearch({ to: event.target.value || undefined })}
            />
          </div>
        </div>
        <InfiniteListView
          list={list}
          loadingLabel="Loading activity…"
          errorTitle="Activity could not be loaded"
          empty={<EmptyState title={filtered ? 'Nothing matches these filters' : 'No activity yet'} />}
        >
          {(items) => (
            <div className="table-wrap">
              <table className="table activity-table">
                <caption className="visually-hidden">Activity log</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">What happened</th>
                    <th scope="col">Resource</th>
                    <th scope="col">Details</th>
                    <th scope="col">IP</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((entry) => {
                    const link = resourceLink(entry);
                    return (
                      <tr key={entry.id}>
                        <td className="cell-muted">{formatDateTime(entry.at)}</td>
                        <td className="cell-wrap">
                          {entry.sentence} <code className="action-code">{entry.action}</code>
                        </td>
                        <td>
                          {humanize(entry.resourceType)}
                          {link && (
                            <>
                              {' '}
                              <Link {...link}>
                                Open<span className="visually-hidden"> {humanize(entry.resourceType)}</span>
                              </Link>
                            </>
                          )}
                        </td>
                        <td className="cell-wrap">
                          <Details entry={entry} />
                        </td>
                        <td className="cell-muted">{entry.ip ?? '—'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </InfiniteListView>
      </div>
    </Page>
  );
}
