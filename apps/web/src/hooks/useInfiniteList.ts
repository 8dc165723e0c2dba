import { useCallback, useMemo } from 'react';
import { useInfiniteQuery, type InfiniteData, type UseInfiniteQueryResult } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import type { ErrorLike } from '../errors.js';
import { trpc } from '../trpc.js';

/** What every list procedure returns for { limit, cursor, ...filters }. */
export interface Page<TItem> {
  items: TItem[];
  nextCursor: string | null;
}

/** A tRPC list query procedure, e.g. `trpc.accounts.list`; only its types and path are used. */
export interface ListProcedure<TInput, TItem> {
  useQuery(input: TInput): unknown;
  useInfiniteQuery(input: never, opts: { getNextPageParam: (lastPage: Page<TItem>) => string | null }): UseInfiniteQueryResult<InfiniteData<Page<TItem>>, ErrorLike>;
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

interface PageFetcher {
  query(input: unknown, opts: { signal: AbortSignal }): Promise<unknown>;
}

/**
 * Pages through a list procedure and flattens the pages.
 * `input` is { limit, ...filters } (the cursor is added per page); changing it starts over.
 * Pair with <InfiniteScroll hasMore loading={loadingMore} failed={loadMoreFailed} onLoadMore={loadMore} />.
 *
 * Pages are fetched with the plain client rather than tRPC's useInfiniteQuery, which adds
 * `direction: 'forward'` to every input: the list procedures take strict inputs (and
 * accounts.list has a `direction` of its own, its sort order), so the server refuses that.
 * The cache key is the one tRPC gives infinite queries, so `utils.x.invalidate()` reaches it.
 */
export function useInfiniteList<TInput, TItem>(procedure: ListProcedure<TInput, TItem>, input: TInput): InfiniteList<TItem> {
  const utils = trpc.useUtils();
  const [path] = getQueryKey(procedure as unknown as Parameters<typeof getQueryKey>[0]) as [string[]];
  const query = useInfiniteQuery<Page<TItem>, ErrorLike, InfiniteData<Page<TItem>>, unknown[], string | null>({
    queryKey: [path, { input, type: 'infinite' }],
    queryFn: async ({ pageParam, signal }) => {
      const fetcher = path.reduce<unknown>((node, segment) => (node as Record<string, unknown>)[segment], utils.client) as PageFetcher;
      return (await fetcher.query({ ...input, cursor: pageParam }, { signal })) as Page<TItem>;
    },
    initialPageParam: null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
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
