import { useCallback, useMemo } from 'react';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { ErrorLike } from '../errors.js';

/** What every list procedure returns for { limit, cursor, ...filters }. */
export interface Page<TItem> {
  items: TItem[];
  nextCursor: string | null;
}

/** A tRPC list query procedure, e.g. `trpc.accounts.list`. */
export interface ListProcedure<TInput, TItem> {
  useQuery(input: TInput): unknown;
  useInfiniteQuery(
    input: never,
    opts: { getNextPageParam: (lastPage: Page<TItem>) => string | null },
  ): UseInfiniteQueryResult<InfiniteData<Page<TItem>>, ErrorLike>;
}

export interface InfiniteList<TItem> {
  items: TItem[];
  /** pending: first page loading; error: the first page failed (later failures set loadMoreFailed). */
  status: 'pending' | 'error' | 'success';
  error: ErrorLike | null;
  retry: () => void;
  hasMore: boolean;
  loadingMore: boolean;
  loadMoreFailed: boolean;
  loadMore: () => void;
}

/**
 * Pages through a list procedure with tRPC's infinite query and flattens the pages.
 * `input` is { limit, ...filters } (tRPC adds the cursor, and `direction: 'forward'`, which
 * every list input accepts); changing it starts over.
 * Pair with <InfiniteScroll hasMore loading={loadingMore} failed={loadMoreFailed} onLoadMore={loadMore} />.
 */
export function useInfiniteList<TInput, TItem>(procedure: ListProcedure<TInput, TItem>, input: TInput): InfiniteList<TItem> {
  const query = procedure.useInfiniteQuery(input as never, { getNextPageParam: (lastPage) => lastPage.nextCursor });
  const { data, hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage, refetch } = query;
  const items = useMemo(() => data?.pages.flatMap((page) => page.items) ?? [], [data]);
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  return {
    items,
    status: data ? 'success' : query.status,
    error: data ? null : query.error,
    retry: () => void refetch(),
    hasMore: hasNextPage,
    loadingMore: isFetchingNextPage,
    loadMoreFailed: isFetchNextPageError,
    loadMore,
  };
}
