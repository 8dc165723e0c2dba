import { useEffect, useState } from 'react';
import { textLimits } from '@pulse/api/limits';
import type { Tier, TierThresholds } from '@pulse/scoring';
import { accountStatuses, tiers } from '@pulse/api/vocabulary';
import { AccountForm } from '../components/AccountForm.js';
import { Dialog } from '../components/Dialog.js';
import { Field, SelectField } from '../components/Field.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { InfiniteScroll } from '../components/InfiniteScroll.js';
import { BulkAssign, OwnerFilter, UnmatchedOwners } from '../components/OwnerControls.js';
import { Page } from '../components/Page.js';
import { RenewalDate } from '../components/RenewalDate.js';
import { SavedViews, type ViewState } from '../components/SavedViews.js';
import { Sparkline } from '../components/Sparkline.js';
import { EmptyState, ErrorState, LoadingState } from '../components/states.js';
import { formatMoney, formatScore, humanize } from '../format.js';
import { heatCell, tierLabels } from '../health.js';
import { useDebouncedValue } from '../hooks/useDebouncedValue.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { ROW_TREND_PERIODS, usePageTrends, type RowTrend } from '../hooks/usePageTrends.js';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { oneOf, useSetSearch } from '../search.js';
import { useSignedInSession } from '../session.js';
import { trpc, type RouterOutputs, type SignedInSession } from '../trpc.js';

type AccountItem = RouterOutputs['accounts']['list']['items'][number];
export const accountSorts = ['name', 'health', 'updated', 'revenue'] as const;
type Sort = (typeof accountSorts)[number];
export const accountViews = ['list', 'heatmap'] as const;
type View = (typeof accountViews)[number];

const PAGE_SIZE = 50;

const sortLabels: Record<Sort, string> = { name: 'Name', health: 'Health', updated: 'Last updated', revenue: 'Revenue' };

type Column = ViewState['columns'][number];
/** Optional columns of the list, in table order; the account name is always shown. */
const columnLabels: Record<Column, string> = {
  health: 'Health',
  status: 'Status',
  tier: 'Tier',
  owner: 'Owner',
  revenue: 'Revenue',
  renewal: 'Renewal',
  industry: 'Industry',
  region: 'Region',
  lifecycleStage: 'Lifecycle stage',
};
const allColumns = Object.keys(columnLabels) as Column[];
const defaultColumns: Column[] = ['health', 'status', 'tier', 'owner', 'revenue', 'renewal'];

const route = getRouteApi('/accounts');

/** Filters live in the URL, so a filtered list can be linked to and survives going back. Members start on their own accounts. */
function useFilters(session: SignedInSession) {
  const search = route.useSearch();
  return {
    owner: search.owner ?? (session.user.role === 'admin' ? 'all' : 'me'),
    search: search.q ?? '',
    healthTier: search.tier ?? null,
    status: search.status ?? null,
    sort: search.sort ?? 'name',
    order: search.dir ?? 'asc',
    view: search.view ?? 'list',
    includeArchived: search.archived === '1',
    columns: search.cols === undefined ? defaultColumns : allColumns.filter((c) => search.cols?.split(',').includes(c)),
    savedView: search.saved ?? null,
  };
}

type Filters = ReturnType<typeof useFilters>;

/** The list as a saved view holds it. */
function viewState(filters: Filters): ViewState {
  return {
    search: filters.search || null,
    owner: filters.owner === 'all' ? null : filters.owner,
    healthTier: filters.healthTier,
    status: filters.status,
    includeArchived: filters.includeArchived,
    sort: filters.sort,
    order: filters.order,
    columns: filters.columns,
  };
}

/** Puts a saved view's filters, sort and columns into the URL (none: back to the defaults). */
function useApplyView(): (view: { id: string; state: ViewState } | null) => void {
  const setSearch = useSetSearch('/accounts');
  return (view) => {
    const state = view?.state;
    setSearch({
      saved: view?.id,
      q: state?.search ?? undefined,
      owner: view ? (state?.owner ?? 'all') : undefined,
      tier: state?.healthTier ?? undefined,
      status: state?.status ?? undefined,
      sort: state?.sort,
      dir: state?.order,
      archived: state?.includeArchived ? '1' : undefined,
      cols: state?.columns.join(','),
    });
  };
}

function ColumnChooser({ columns }: { columns: Column[] }) {
  const setSearch = useSetSearch('/accounts');
  const toggle = (column: Column, on: boolean) => setSearch({ cols: allColumns.filter((c) => (c === column ? on : columns.includes(c))).join(',') });
  return (
    <details className="column-chooser">
      <summary>Columns</summary>
      <fieldset>
        <legend className="visually-hidden">Visible columns</legend>
        {allColumns.map((column) => (
          <label key={column} className="checkbox">
            <input
              type="checkbox"
              aria-label={`Show the ${columnLabels[column].toLowerCase()} column`}
              checked={columns.includes(column)}
              onChange={(event) => toggle(column, event.target.checked)}
            />
            <span>{columnLabels[column]}</span>
          </label>
        ))}
      </fieldset>
    </details>
  );
}

function SearchBox({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  const settled = useDebouncedValue(value.trim(), 300);
  const setSearch = useSetSearch('/accounts');
  useEffect(() => {
    if (settled !== (new URLSearchParams(window.location.search).get('q') ?? '')) setSearch({ q: settled || undefined });
  }, [settled, setSearch]);
  return (
    <Field
      label="Search"
      name="q"
      type="search"
      placeholder="Account name"
      maxLength={textLimits.name}
      value={value}
      onChange={(event) => setValue(event.target.value)}
    />
  );
}

function Toolbar({ filters, isAdmin }: { filters: Filters; isAdmin: boolean }) {
  const setSearch = useSetSearch('/accounts');
  return (
    <div className="toolbar" role="search" aria-label="Filter accounts">
      <SearchBox key={filters.savedView ?? ''} initial={filters.search} />
      <OwnerFilter value={filters.owner} isAdmin={isAdmin} onChange={(owner) => setSearch({ owner: owner || undefined })} />
      <SelectField label="Health" name="tier" value={filters.healthTier ?? ''} onChange={(event) => setSearch({ tier: oneOf(event.target.value, tiers) })}>
        <option value="">All tiers</option>
        {tiers.map((tier) => (
          <option key={tier} value={tier}>
            {tierLabels[tier]}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Status"
        name="status"
        value={filters.status ?? ''}
        onChange={(event) => setSearch({ status: oneOf(event.target.value, accountStatuses) })}
      >
        <option value="">All statuses</option>
        {accountStatuses.map((status) => (
          <option key={status} value={status}>
            {humanize(status)}
          </option>
        ))}
      </SelectField>
      <SelectField label="Sort by" name="sort" value={filters.sort} onChange={(event) => setSearch({ sort: oneOf(event.target.value, accountSorts) })}>
        {accountSorts.map((sort) => (
          <option key={sort} value={sort}>
            {sortLabels[sort]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Order" name="dir" value={filters.order} onChange={(event) => setSearch({ dir: oneOf(event.target.value, ['asc', 'desc']) })}>
        <option value="asc">{filters.sort === 'name' ? 'A to Z' : 'Lowest first'}</option>
        <option value="desc">{filters.sort === 'name' ? 'Z to A' : 'Highest first'}</option>
      </SelectField>
      <label className="checkbox toolbar-checkbox">
        <input type="checkbox" checked={filters.includeArchived} onChange={(event) => setSearch({ archived: event.target.checked ? '1' : undefined })} />
        <span>Show archived</span>
      </label>
      <ColumnChooser columns={filters.columns} />
    </div>
  );
}

function ViewSwitch({ view }: { view: View }) {
  const setSearch = useSetSearch('/accounts');
  return (
    <div className="segmented" role="group" aria-label="View">
      {accountViews.map((option) => (
        <button
          key={option}
          type="button"
          className="segmented-option"
          aria-pressed={view === option}
          onClick={() => setSearch({ view: option === 'list' ? undefined : option })}
        >
          {option === 'list' ? 'List' : 'Heatmap'}
        </button>
      ))}
    </div>
  );
}

function AccountRow({ account, trend, selection, columns }: { account: AccountItem; trend: RowTrend; selection: Selection | null; columns: Column[] }) {
  return (
    <tr>
      {selection && (
        <td className="cell-check">
          <input type="checkbox" aria-label={`Select ${account.name}`} checked={selection.ids.has(account.id)} onChange={() => selection.toggle(account.id)} />
        </td>
      )}
      <td className="cell-wrap">
        <Link to="/accounts/$accountId" params={{ accountId: account.id }} className="cell-strong">
          {account.name}
        </Link>
        {account.archivedAt ? <span className="cell-sub">Archived</span> : account.industry && <span className="cell-sub">{account.industry}</span>}
      </td>
      {columns.includes('health') && (
        <>
          <td>
            <HealthBadge score={account.health.overall === null ? null : Math.round(account.health.overall * 10) / 10} tier={account.health.tier} />
          </td>
          <td className="cell-sparkline">
            {trend.points ? (
              <Sparkline values={trend.points.map((point) => point.overall)} tier={account.health.tier} />
            ) : (
              <span className={trend.failed ? 'sparkline-empty' : 'sparkline-placeholder'}>{trend.failed ? 'Unavailable' : ''}</span>
            )}
          </td>
        </>
      )}
      {columns.includes('status') && <td>{humanize(account.status)}</td>}
      {columns.includes('tier') && <td>{account.tier ?? '—'}</td>}
      {columns.includes('owner') && <td>{account.owner?.name ?? account.csmOwner ?? '—'}</td>}
      {columns.includes('revenue') && <td>{formatMoney(account.revenue)}</td>}
      {columns.includes('renewal') && (
        <td>
          <RenewalDate date={account.renewalDate} />
        </td>
      )}
      {columns.includes('industry') && <td>{account.industry ?? '—'}</td>}
      {columns.includes('region') && <td>{account.region ?? '—'}</td>}
      {columns.includes('lifecycleStage') && <td>{account.lifecycleStage ?? '—'}</td>}
    </tr>
  );
}

function HeatmapRow({ account, trend, categories, thresholds }: { account: AccountItem; trend: RowTrend; categories: string[]; thresholds: TierThresholds }) {
  const latest = trend.points?.at(-1);
  return (
    <tr>
      <th scope="row" className="cell-wrap">
        <Link to="/accounts/$accountId" params={{ accountId: account.id }}>
          {account.name}
        </Link>
      </th>
      <td>
        <HealthBadge score={account.health.overall === null ? null : Math.round(account.health.overall * 10) / 10} tier={account.health.tier} />
      </td>
      {categories.map((category) => {
        if (!latest) {
          return (
            <td key={category} className="heat-cell heat-pending">
              <span className="visually-hidden">{trend.failed ? 'Unavailable' : 'Loading'}</span>
            </td>
          );
        }
        const score = latest.categories.find((c) => c.category.toLowerCase() === category.toLowerCase())?.score ?? null;
        const cell = heatCell(score, thresholds);
        return (
          <td key={category} className={`heat-cell heat-${cell.tier} heat-depth-${cell.depth}`} title={`${category}: ${cell.label}`}>
            {formatScore(score)}
            <span className="visually-hidden"> {tierLabels[cell.tier]}</span>
          </td>
        );
      })}
    </tr>
  );
}

function HeatmapLegend({ thresholds }: { thresholds: TierThresholds }) {
  const items: { tier: Tier; text: string }[] = [
    { tier: 'healthy', text: `${thresholds.healthy} and above` },
    { tier: 'at_risk', text: `${thresholds.atRisk} to ${thresholds.healthy}` },
    { tier: 'critical', text: `below ${thresholds.atRisk}` },
    { tier: 'unknown', text: 'no scored reading' },
  ];
  return (
    <ul className="heat-legend" aria-label="Heatmap colours">
      {items.map((item) => (
        <li key={item.tier}>
          <span className={`heat-swatch heat-${item.tier} heat-depth-2`} aria-hidden="true" />
          {tierLabels[item.tier]}: {item.text}
        </li>
      ))}
    </ul>
  );
}

function CreateAccount({ open, onClose }: { open: boolean; onClose: () => void }) {
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const create = trpc.accounts.create.useMutation({
    onSuccess: async (account) => {
      await utils.accounts.invalidate();
      await navigate({ to: '/accounts/$accountId', params: { accountId: account.id } });
    },
  });
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Dialog open={open} title="New account" onClose={close} wide>
      <AccountForm submitLabel="Create account" pending={create.isPending} error={create.error} onCancel={close} onSubmit={(fields) => create.mutate(fields)} />
    </Dialog>
  );
}

interface Selection {
  ids: Set<string>;
  toggle: (id: string) => void;
}

export function AccountsPage() {
  const session = useSignedInSession();
  const isAdmin = session.user.role === 'admin';
  const filters = useFilters(session);
  const applyView = useApplyView();
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const selection: Selection | null = isAdmin
    ? {
        ids: selected,
        toggle: (id) =>
          setSelected((current) => {
            const next = new Set(current);
            if (!next.delete(id)) next.add(id);
            return next;
          }),
      }
    : null;
  const list = useInfiniteList(trpc.accounts.list, {
    limit: PAGE_SIZE,
    owner: filters.owner === 'all' ? null : filters.owner,
    search: filters.search || null,
    healthTier: filters.healthTier,
    status: filters.status,
    sort: filters.sort,
    order: filters.order,
    includeArchived: filters.includeArchived,
  });
  const settings = trpc.ranges.settings.useQuery(undefined, { enabled: filters.view === 'heatmap' });
  const trendOf = usePageTrends(
    list.items.map((account) => account.id),
    PAGE_SIZE,
  );
  const filtered = Boolean(filters.search || filters.healthTier || filters.status || filters.owner !== 'all');

  let content;
  if (list.status === 'pending' || (filters.view === 'heatmap' && settings.isPending)) content = <LoadingState label="Loading accounts…" />;
  else if (list.status === 'error' && list.error) content = <ErrorState error={list.error} title="Accounts could not be loaded" onRetry={list.retry} />;
  else if (filters.view === 'heatmap' && settings.error) content = <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  else if (list.items.length === 0) {
    content = filtered ? (
      <EmptyState title="No account matches these filters">Try another search or clear the filters.</EmptyState>
    ) : (
      <EmptyState
        title="No accounts yet"
        action={
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            New account
          </button>
        }
      >
        Create one here, or upload a KPI workbook and Pulse creates its account.
      </EmptyState>
    );
  } else if (filters.view === 'heatmap' && settings.data) {
    const categories = Object.keys(settings.data.categoryWeights);
    content = (
      <>
        <HeatmapLegend thresholds={settings.data.tiers} />
        <div className="table-wrap">
          <table className="table heatmap">
            <caption className="visually-hidden">Category scores of each account in its latest period</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Overall</th>
                {categories.map((category) => (
                  <th key={category} scope="col" className="heat-head">
                    {category}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.items.map((account) => (
                <HeatmapRow key={account.id} account={account} trend={trendOf(account.id)} categories={categories} thresholds={settings.data.tiers} />
              ))}
            </tbody>
          </table>
        </div>
      </>
    );
  } else {
    content = (
      <div className="table-wrap">
        <table className="table accounts-table">
          <caption className="visually-hidden">Accounts</caption>
          <thead>
            <tr>
              {selection && (
                <th scope="col" className="cell-check">
                  <span className="visually-hidden">Selected</span>
                </th>
              )}
              <th scope="col">Account</th>
              {filters.columns.flatMap((column) =>
                column === 'health'
                  ? [
                      <th key="health" scope="col">
                        Health
                      </th>,
                      <th key="trend" scope="col">
                        Last {ROW_TREND_PERIODS} periods
                      </th>,
                    ]
                  : [
                      <th key={column} scope="col">
                        {columnLabels[column]}
                      </th>,
                    ],
              )}
            </tr>
          </thead>
          <tbody>
            {list.items.map((account) => (
              <AccountRow key={account.id} account={account} trend={trendOf(account.id)} selection={selection} columns={filters.columns} />
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  return (
    <Page
      title="Accounts"
      description="Every customer account with its health and recent trend."
      actions={
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          New account
        </button>
      }
    >
      <div className="card card-flush">
        <div className="card-toolbar">
          <SavedViews selectedId={filters.savedView} state={viewState(filters)} onApply={applyView} />
        </div>
        <div className="card-toolbar">
          <Toolbar filters={filters} isAdmin={isAdmin} />
          <ViewSwitch view={filters.view} />
        </div>
        {isAdmin && <UnmatchedOwners />}
        {selected.size > 0 && <BulkAssign accountIds={[...selected]} onDone={() => setSelected(new Set())} />}
        {content}
        {list.status === 'success' && (
          <InfiniteScroll hasMore={list.hasMore} loading={list.loadingMore} failed={list.loadMoreFailed} onLoadMore={list.loadMore} />
        )}
      </div>
      <CreateAccount open={creating} onClose={() => setCreating(false)} />
    </Page>
  );
}
