import { Card } from '../../components/Card.js';
import { ErrorState } from '../../components/states.js';
import { formatPeriod } from '../../format.js';
import { trpc } from '../../trpc.js';
import { HealthOverview, type Explanation } from './AccountHealth.js';

/**
 * Each product's health in the period, scored from that product's own readings (the account's
 * score leaves them out). Nothing is shown for a period without product-level readings.
 */
export function ProductHealthCard({ accountId, period, tiers }: { accountId: string; period: string; tiers: Explanation['tiers'] }) {
  const query = trpc.health.products.useQuery({ accountId, period });
  if (query.error) return <ErrorState error={query.error} title="Product health could not be loaded" onRetry={() => void query.refetch()} />;
  const products = query.data?.products ?? [];
  if (products.length === 0) return null;
  return (
    <Card
      title="Health by product"
      description={`${formatPeriod(period)}. Each product is scored from its own readings only; the account's score above does not count them.`}
    >
      <ul className="product-health">
        {products.map((product) => (
          <li key={product.productId}>
            <h3 className="subsection-title">{product.product}</h3>
            <HealthOverview health={product} tiers={tiers} />
          </li>
        ))}
      </ul>
    </Card>
  );
}
