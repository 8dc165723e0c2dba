import type { ReactNode } from 'react';
import type { InfiniteList } from '../hooks/useInfiniteList.js';
import { InfiniteScroll } from './InfiniteScroll.js';
import { ErrorState, LoadingState } from './states.js';

export interface InfiniteListViewProps<TItem> {
  list: InfiniteList<TItem>;
  loadingLabel?: string;
  errorTitle?: string;
  /** Shown when the first page is empty (usually an <EmptyState>). */
  empty: ReactNode;
  children: (items: TItem[]) => ReactNode;
}

/** The loading, error and empty states of a paged list, then its items and <InfiniteScroll>. */
export function InfiniteListView<TItem>({ list, loadingLabel, errorTitle, empty, children }: InfiniteListViewProps<TItem>) {
  if (list.status === 'pending') return <LoadingState label={loadingLabel} />;
  if (list.status === 'error' && list.error) return <ErrorState error={list.error} title={errorTitle} onRetry={list.retry} />;
  if (list.items.length === 0) return empty;
  return (
    <>
      {children(list.items)}
      <InfiniteScroll hasMore={list.hasMore} loading={list.loadingMore} failed={list.loadMoreFailed} onLoadMore={list.loadMore} />
    </>
  );
}
