import { trpc, type RouterOutputs } from '../trpc.js';

type HealthPoint = RouterOutputs['health']['trends'][number]['points'][number];

/** Periods behind a row's sparkline and heatmap cells. */
export const ROW_TREND_PERIODS = 12;

export interface RowTrend {
  /** Health over the last periods, oldest first; null until the page's trends arrive. */
  points: HealthPoint[] | null;
  failed: boolean;
}

/**
 * The trends of the listed accounts, one health.trends call (one statement) per loaded page
 * of `pageSize` rows, kept for five minutes: loading the next page asks only for its rows.
 * The newest period's category scores fill the heatmap, so one call serves both views.
 */
export function usePageTrends(accountIds: string[], pageSize: number): (accountId: string) => RowTrend {
  const pages: string[][] = [];
  for (let i = 0; i < accountIds.length; i += pageSize) pages.push(accountIds.slice(i, i + pageSize));
  const results = trpc.useQueries((t) => pages.map((ids) => t.health.trends({ accountIds: ids, periods: ROW_TREND_PERIODS }, { staleTime: 5 * 60_000 })));
  const byId = new Map<string, RowTrend>();
  pages.forEach((ids, i) => {
    const result = results[i];
    for (const id of ids) byId.set(id, { points: null, failed: result?.isError ?? false });
    for (const trend of result?.data ?? []) byId.set(trend.accountId, { points: trend.points, failed: false });
  });
  return (accountId) => byId.get(accountId) ?? { points: null, failed: false };
}
