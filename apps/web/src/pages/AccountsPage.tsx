import { useEffect, useRef, useState } from 'react';
import { textLimits } from '@pulse/api/limits';
import type { Tier, TierThresholds } from '@pulse/scoring';
import { AccountForm, accountStatuses } from '../components/AccountForm.js';
import { Dialog } from '../components/Dialog.js';
import { Field, SelectField } from '../components/Field.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { InfiniteScroll } from '../components/InfiniteScroll.js';
import { Page } from '../components/Page.js';
import { RenewalDate } from '../components/RenewalDate.js';
import { Sparkline } from '../components/Sparkline.js';
import { EmptyState, ErrorState, LoadingState } from '../components/states.js';
import { formatScore, humanize } from '../format.js';
import { heatCell, tierLabels, tiers } from '../health.js';
import { ROW_TREND_PERIODS, useAccountTrend } from '../hooks/useAccountTrend.js';
import { useDebouncedValue } from '../hooks/useDebouncedValue.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { useInView } from '../hooks/useInView.js';
import { Link, navigate, replaceSearchParams, useLocation } from '../router.js';
import { trpc, type RouterOutputs } from '../trpc.js';

type AccountItem = RouterOutputs['accounts']['list']['items'][number];
type Sort = 'name' | 'health' | 'updated';
type View = 'list' | 'heatmap';

const PAGE_SIZE = 50;

const sortLabels: Record<Sort, string> = { name: 'Name', health: 'Health', updated: 'Last updated' };

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return allowed.find((item) => item === value) ?? null;
}

/** Filters live in the URL, so a filtered list can be linked to and survives going back. */
function useFilters() {
  const { searchParams } = useLocation();
  return {
    search: searchParams.get('q') ?? '',
    healthTier: oneOf(searchParams.get('tier'), tiers),
    status: oneOf(searchParams.get('status'), accountStatuses),
    sort: oneOf(searchParams.get('sort'), ['name', 'health', 'updated'] as const) ?? 'name',
    order: oneOf(searchParams.get('dir'), ['asc', 'desc'] as const) ?? 'asc',
    view: oneOf(searchParams.get('view'), ['list', 'heatmap'] as const) ?? 'list',
    includeArchived: searchParams.get('archived') === '1',
  };
}

function SearchBox({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  const settled = useDebouncedValue(value.trim(), 300);
  useEffect(() => {
    if (settled !== (new URLSearchParams(window.location.search).get('q') ?? '')) replaceSearchParams({ q: settled });
  }, [settled]);
  return <Field label="Search" name="q" type="search" placeholder="Account name" maxLength={textLimits.name} value={value} onChange={(event) => setValue(event.target.value)} />;
}

function Toolbar({ filters }: { filters: ReturnType<typeof useFilters> }) {
  return (
    <div className="toolbar" role="search" aria-label="Filter accounts">
      <SearchBox initial={filters.search} />
      <SelectField label="Health" name="tier" value={filters.healthTier ?? ''} onChange={(event) => replaceSearchParams({ tier: event.target.value })}>
        <option value="">All tiers</option>
        {tiers.map((tier) => (
          <option key={tier} value={tier}>
            {tierLabels[tier]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Status" name="status" value={filters.status ?? ''} onChange={(event) => replaceSearchParams({ status: event.target.value })}>
        <option value="">All statuses</option>
        {accountStatuses.map((status) => (
          <option key={status} value={status}>
            {humanize(status)}
          </option>
        ))}
      </SelectField>
      <SelectField label="Sort by" name="sort" value={filters.sort} onChange={(event) => replaceSearchParams({ sort: event.target.value })}>
        {(Object.keys(sortLabels) as Sort[]).map((sort) => (
          <option key={sort} value={sort}>
            {sortLabels[sort]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Order" name="dir" value={filters.order} onChange={(event) => replaceSearchParams({ dir: event.target.value })}>
        <option value="asc">{filters.sort === 'name' ? 'A to Z' : 'Lowest first'}</option>
        <option value="desc">{filters.sort === 'name' ? 'Z to A' : 'Highest first'}</option>
      </SelectField>
      <label className="checkbox toolbar-checkbox">
        <input type="checkbox" checked={filters.includeArchived} onChange={(event) => replaceSearchParams({ archived: event.target.checked ? '1' : null })} />
        <span>Show archived</span>
      </label>
    </div>
  );
}

function ViewSwitch({ view }: { view: View }) {
  return (
    <div className="segmented" role="group" aria-label="View">
      {(['list', 'heatmap'] as const).map((option) => (
        <button
          key={option}
          type="button"
          className="segmented-option"
          aria-pressed={view === option}
          onClick={() => replaceSearchParams({ view: option === 'list' ? null : option })}
        >
          {option === 'list' ? 'List' : 'Heatmap'}
        </button>
      ))}
    </div>
  );
}

/** One row: its trend is asked for once the row scrolls into view (see useAccountTrend). */
function useRowTrend(accountId: string) {
  const row = useRef<HTMLTableRowElement>(null);
  const visible = useInView(row);
  return { row, trend: useAccountTrend(accountId, visible) };
}

function AccountRow({ account }: { account: AccountItem }) {
  const { row, trend } = useRowTrend(account.id);
  return (
    <tr ref={row}>
      <td className="cell-wrap">
        <Link to={`/accounts/${account.id}`} className="cell-strong">
          {account.name}
        </Link>
        {account.archivedAt ? <span className="cell-sub">Archived</span> : account.industry && <span className="cell-sub">{account.industry}</span>}
      </td>
      <td>
        <HealthBadge score={account.health.overall === null ? null : Math.round(account.health.overall * 10) / 10} tier={account.health.tier} />
      </td>
      <td className="cell-sparkline">
        {trend.data ? (
          <Sparkline values={trend.data.map((point) => point.overall)} tier={account.health.tier} />
        ) : (
          <span className={trend.error ? 'sparkline-empty' : 'sparkline-placeholder'}>{trend.error ? 'Unavailable' : ''}</span>
        )}
      </td>
      <td>{humanize(account.status)}</td>
      <td>{account.tier ?? '—'}</td>
      <td>{account.csmOwner ?? '—'}</td>
      <td>
        <RenewalDate date={account.renewalDate} />
      </td>
    </tr>
  );
}

function HeatmapRow({ account, categories, thresholds }: { account: AccountItem; categories: string[]; thresholds: TierThresholds }) {
  const { row, trend } = useRowTrend(account.id);
  const latest = trend.data?.at(-1);
  return (
    <tr ref={row}>
      <th scope="row" className="cell-wrap">
        <Link to={`/accounts/${account.id}`}>{account.name}</Link>
      </th>
      <td>
        <HealthBadge score={account.health.overall === null ? null : Math.round(account.health.overall * 10) / 10} tier={account.health.tier} />
      </td>
      {categories.map((category) => {
        if (!latest) {
          return (
            <td key={category} className="heat-cell heat-pending">
              <span className="visually-hidden">{trend.error ? 'Unavailable' : 'Loading'}</span>
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
  const create = trpc.accounts.create.useMutation({
    onSuccess: async (account) => {
      await utils.accounts.invalidate();
      navigate(`/accounts/${account.id}`);
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

export function AccountsPage() {
  const filters = useFilters();
  const [creating, setCreating] = useState(false);
  const list = useInfiniteList(trpc.accounts.list, {
    limit: PAGE_SIZE,
    search: filters.search || null,
    healthTier: filters.healthTier,
    status: filters.status,
    sort: filters.sort,
    order: filters.order,
    includeArchived: filters.includeArchived,
  });
  const settings = trpc.ranges.settings.useQuery(undefined, { enabled: filters.view === 'heatmap' });
  const filtered = Boolean(filters.search || filters.healthTier || filters.status);

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
                <HeatmapRow key={account.id} account={account} categories={categories} thresholds={settings.data.tiers} />
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
              <th scope="col">Account</th>
              <th scope="col">Health</th>
              <th scope="col">Last {ROW_TREND_PERIODS} periods</th>
              <th scope="col">Status</th>
              <th scope="col">Tier</th>
              <th scope="col">CSM owner</th>
              <th scope="col">Renewal</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((account) => (
              <AccountRow key={account.id} account={account} />
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
          <Toolbar filters={filters} />
          <ViewSwitch view={filters.view} />
        </div>
        {content}
        {list.status === 'success' && (
          <InfiniteScroll hasMore={list.hasMore} loading={list.loadingMore} failed={list.loadMoreFailed} onLoadMore={list.loadMore} />
        )}
      </div>
      <CreateAccount open={creating} onClose={() => setCreating(false)} />
    </Page>
  );
}
