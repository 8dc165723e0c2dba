import { useQuery } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { concurrencyLimit } from '../limit.js';
import { trpc, type RouterOutputs } from '../trpc.js';

type HealthTrend = RouterOutputs['health']['trend'];

/** Periods behind a row's sparkline and heatmap cells. */
export const ROW_TREND_PERIODS = 12;

const rowQueries = concurrencyLimit(8);

/**
 * The last 12 periods of one account's health, for a row of the accounts list. The list has
 * no batch endpoint for trends, so each row asks for its own, only once it scrolls into view
 * (`enabled`), eight at a time, and keeps the answer for five minutes. The newest period's
 * category scores fill the heatmap: one call serves the sparkline and the heatmap row.
 */
export function useAccountTrend(accountId: string, enabled: boolean) {
  const utils = trpc.useUtils();
  const input = { accountId, periods: ROW_TREND_PERIODS };
  return useQuery<HealthTrend>({
    queryKey: getQueryKey(trpc.health.trend, input, 'query'),
    queryFn: ({ signal }) => rowQueries(() => utils.client.health.trend.query(input, { signal }), signal),
    enabled,
    staleTime: 5 * 60_000,
  });
}
