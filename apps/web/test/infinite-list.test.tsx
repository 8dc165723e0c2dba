import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCReact, httpBatchLink } from '@trpc/react-query';
import { InfiniteScroll } from '../src/components/InfiniteScroll.js';
import { EmptyState, ErrorState, LoadingState } from '../src/components/states.js';
import { useInfiniteList } from '../src/hooks/useInfiniteList.js';
import { routerFetch, t } from './fake-api.js';
import { stubIntersectionObserver } from './observer.js';

const accounts = Array.from({ length: 5 }, (_, i) => ({ id: `a${i + 1}`, name: `Account ${i + 1}` }));

interface ListInput {
  limit: number;
  cursor?: string | null;
  search?: string;
  direction?: 'forward';
}

function listRouter(fail: { after?: string } = {}) {
  return t.router({
    accounts: t.router({
      list: t.procedure
        // Strict, like the Pulse list procedures, which accept the `direction` tRPC's infinite queries add.
        .input((value) => {
          const { limit: _limit, cursor: _cursor, search: _search, direction: _direction, ...unknown } = value as ListInput;
          if (Object.keys(unknown).length) throw new Error(`Unrecognized keys: ${Object.keys(unknown).join(', ')}`);
          return value as ListInput;
        })
        .query(({ input }) => {
          if (fail.after !== undefined && (input.cursor ?? '') === fail.after) throw new Error('database unavailable');
          const matching = accounts.filter((a) => a.name.includes(input.search ?? ''));
          const start = input.cursor ? matching.findIndex((a) => a.id === input.cursor) + 1 : 0;
          const items = matching.slice(start, start + input.limit);
          const last = items.at(-1);
          return { items, nextCursor: last && start + input.limit < matching.length ? last.id : null };
        }),
    }),
  });
}

const trpc = createTRPCReact<ReturnType<typeof listRouter>>();

function AccountList({ search = '' }: { search?: string }) {
  const list = useInfiniteList(trpc.accounts.list, { limit: 2, search });
  if (list.status === 'pending') return <LoadingState />;
  if (list.status === 'error' && list.error) return <ErrorState error={list.error} onRetry={list.retry} />;
  if (list.items.length === 0) return <EmptyState title="No accounts" />;
  return (
    <>
      <ul>
        {list.items.map((account) => (
          <li key={account.id}>{account.name}</li>
        ))}
      </ul>
      <InfiniteScroll hasMore={list.hasMore} loading={list.loadingMore} failed={list.loadMoreFailed} onLoadMore={list.loadMore} />
    </>
  );
}

function Harness({ fail, search }: { fail?: { after?: string }; search?: string }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  const [client] = useState(() => trpc.createClient({ links: [httpBatchLink({ url: '/api/trpc', fetch: routerFetch(listRouter(fail)) })] }));
  return (
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <AccountList search={search} />
      </QueryClientProvider>
    </trpc.Provider>
  );
}

const names = () => screen.getAllByRole('listitem').map((item) => item.textContent);

describe('useInfiniteList with <InfiniteScroll>', () => {
  it('loads the next page each time the sentinel comes into view, then stops', async () => {
    const observer = stubIntersectionObserver();
    render(<Harness />);
    expect(screen.getByRole('status')).toHaveProperty('textContent', 'Loading…');

    await waitFor(() => expect(names()).toEqual(['Account 1', 'Account 2']));
    observer.reveal();
    await waitFor(() => expect(names()).toHaveLength(4));
    observer.reveal();
    await waitFor(() => expect(names()).toHaveLength(5));

    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(observer.watching).toBe(0);
  });

  it('offers a button that loads more without the observer', async () => {
    stubIntersectionObserver();
    render(<Harness />);
    fireEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(names()).toHaveLength(4));
  });

  it('stops watching after a failed page and lets the user retry', async () => {
    const observer = stubIntersectionObserver();
    render(<Harness fail={{ after: 'a2' }} />);
    await waitFor(() => expect(names()).toHaveLength(2));

    observer.reveal();

    expect(await screen.findByText('The next items could not be loaded.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(names()).toHaveLength(2);
    expect(observer.watching).toBe(0);
  });

  it('shows the empty and error states of the first page', async () => {
    stubIntersectionObserver();
    const { unmount } = render(<Harness search="nothing matches" />);
    expect(await screen.findByRole('heading', { name: 'No accounts' })).toBeTruthy();
    unmount();

    render(<Harness fail={{ after: '' }} />);
    const alert = await screen.findByRole('alert');
    // An internal error's own text is not for people; the one mapping says what to do instead.
    expect(alert.textContent).toContain('Something went wrong in Pulse. Try again; if it keeps happening, tell your administrator.');
    expect(alert.textContent).not.toContain('database unavailable');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
