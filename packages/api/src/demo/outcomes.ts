import { withTenant, type Db } from '@pulse/db';
import type { Actor } from '../domain/accounts.js';
import { accountHealth } from '../domain/health.js';
import { recordOutcome } from '../domain/renewals.js';
import { lastPeriods, seededRandom } from './readings.js';

/**
 * Renewal outcomes for the churn-signal report, consistent with the demo's health history:
 * every fourth account (the third of each four, outside the demo users' books) renewed one to
 * five months ago, and whether it churned follows the tier it had three months before that
 * date: critical accounts churn most, healthy ones rarely. Recorded through the same domain
 * function as the renewals screen.
 */

const CHURN_CHANCE: Record<string, number> = { critical: 0.7, at_risk: 0.3, healthy: 0.06, unknown: 0.2 };
const OUTCOMES_KEPT = ['renewed', 'renewed', 'expanded', 'contracted'] as const;
const REASONS = ['Budget cut after a reorganisation.', 'Moved to a competitor.', 'The product never reached the wider team.'];

export async function seedOutcomes(db: Db, actor: Actor): Promise<void> {
  const random = seededRandom(1812);
  const periods = lastPeriods(12);
  await withTenant(db, actor.tenantId, async (tx) => {
    const accounts = await tx
      .selectFrom('accounts')
      .select(['accounts.id', 'accounts.revenue'])
      .where('accounts.tenant_id', '=', actor.tenantId)
      .orderBy('accounts.name_key')
      .execute();
    for (const [i, account] of accounts.entries()) {
      if (i % 4 !== 2) continue;
      const monthsAgo = 1 + (i % 5);
      const renewalDate = `${periods[periods.length - 1 - monthsAgo]}-${String(5 + (i % 20)).padStart(2, '0')}`;
      const before = await accountHealth(tx, actor.tenantId, account.id, periods[periods.length - 1 - monthsAgo - 3]);
      await tx
        .updateTable('accounts')
        .set({ renewal_date: renewalDate })
        .where('accounts.tenant_id', '=', actor.tenantId)
        .where('accounts.id', '=', account.id)
        .execute();
      const churns = random() < (CHURN_CHANCE[before?.tier ?? 'unknown'] ?? 0);
      const kept = OUTCOMES_KEPT[i % OUTCOMES_KEPT.length] ?? 'renewed';
      const revenue = account.revenue ?? 100_000;
      await recordOutcome(tx, actor, {
        accountId: account.id,
        outcome: churns ? 'churned' : kept,
        reason: churns ? REASONS[i % REASONS.length] : null,
        amount: churns || kept === 'renewed' ? null : Math.round(revenue * (kept === 'expanded' ? 1.2 : 0.8)),
      });
    }
  });
}
