import { useCallback } from 'react';
import { useRouter, type RegisteredRouter } from '@tanstack/react-router';

type RouteId = keyof RegisteredRouter['routesById'];
type SearchOf<TId extends RouteId> = RegisteredRouter['routesById'][TId]['types']['fullSearchSchema'];

/**
 * Sets (or, with undefined, removes; an empty string stays as `name=`) query parameters of the page shown, the route `_page`
 * (which types the changes), replacing the history entry and keeping the scroll position:
 * filters live in the URL, so a filtered page can be linked to and survives going back.
 */
export function useSetSearch<TId extends RouteId>(_page: TId): (changes: Partial<SearchOf<TId>>) => void {
  const router = useRouter();
  return useCallback(
    (changes) => {
      const { pathname, search } = router.state.location;
      void router.navigate({ href: pathname + router.options.stringifySearch({ ...search, ...changes }), replace: true, resetScroll: false });
    },
    [router],
  );
}

type Search = Record<string, unknown>;

/** A page's query-string validator whose parameters are all optional: a link leaves out those at the page's default. */
export const optional = <T extends object>(validate: (search: Search) => T): ((search: Search) => Partial<T>) => validate;

/** A non-empty query parameter, else absent. */
export const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** One of `allowed` (compared as the query string holds it), else absent. */
export function oneOf<T extends string | number>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find((item) => String(item) === value);
}
