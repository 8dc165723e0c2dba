import type { HealthSettings, ReferenceRange } from '@pulse/scoring';
import { healthRecompute, type Db, type HealthTier } from '@pulse/db';
import type { TenantSettings } from './scoring-context.js';
import { emitEvents } from './webhooks.js';

/**
 * Re-scoring after a range or settings change, done inside PostgreSQL (the SQL is in
 * @pulse/db, repos/health-recompute.ts) so the process never holds a tenant's readings. This
 * file decides what runs: each segment's accounts with its settings, then the latest health
 * copied onto the accounts, each tier change announced.
 */

export interface RecomputeEffect {
  /** Accounts whose stored health (account or product level) was recomputed. */
  accountsRescored: number;
  /** Accounts whose latest health tier differs afterwards. */
  tierChanges: number;
}

/** What a change asks to recompute: the KPIs re-scored with these (new) ranges, and whether every health is recombined under new settings. */
export interface RecomputeChange {
  ranges: readonly ReferenceRange[];
  /** Set for a weight or tier change: the category keys weighted before it. */
  recombine: { previousCategoryKeys: readonly string[] } | null;
}

/** The groups of accounts scored alike: one per segment and one for the others, or one for all when there is no segment. */
function groupsOf(scoring: TenantSettings): { group: healthRecompute.SegmentGroup; settings: HealthSettings }[] {
  if (scoring.segments.size === 0) return [{ group: undefined, settings: scoring.settings }];
  return [{ group: null, settings: scoring.settings }, ...[...scoring.segments.values()].map((s) => ({ group: s.id, settings: s.settings }))];
}

/**
 * Applies a change to the stored readings and healths of the accounts in scope (all their
 * periods, or only their current health: healthRecompute.Periods), then copies each changed
 * latest health onto its account row (announcing tier changes): a range change first, so a
 * weight change in the same run recombines the re-scored categories. Each segment's accounts
 * are scored with its settings (accounts.segment_id), the others with the organisation's.
 */
export async function recompute(
  db: Db,
  tenantId: string,
  change: RecomputeChange,
  scoring: TenantSettings,
  scope: healthRecompute.AccountScope = null,
  periods: healthRecompute.Periods = 'all',
): Promise<RecomputeEffect> {
  if (change.ranges.length === 0 && !change.recombine) return { accountsRescored: 0, tierChanges: 0 };
  await healthRecompute.switchOffJit(db);
  let accountsRescored = 0;
  for (const { group, settings } of groupsOf(scoring)) {
    const rescored = change.ranges.length > 0 ? await healthRecompute.rescoreKpis(db, tenantId, change.ranges, settings, scope, group, periods) : 0;
    const recombined = change.recombine
      ? await healthRecompute.recombineHealth(db, tenantId, change.recombine.previousCategoryKeys, settings, scope, group, periods)
      : 0;
    // A recombination covers every health in scope, so it counts every account a re-scoring did.
    accountsRescored += Math.max(rescored, recombined);
  }
  const tierChanges = await refreshLatestHealth(db, tenantId, scope);
  return { accountsRescored, tierChanges };
}

/**
 * Copies each account's newest account-level health onto the account row (healthRecompute.copyLatestHealth)
 * and announces each tier change (account.tier_changed). Returns how many accounts changed tier.
 */
export async function refreshLatestHealth(db: Db, tenantId: string, accounts: healthRecompute.AccountScope): Promise<number> {
  const rows = await healthRecompute.copyLatestHealth(db, tenantId, accounts);
  const label = (tier: HealthTier) => tier.replace('_', ' ');
  await emitEvents(
    db,
    tenantId,
    rows.map((r) => ({
      event: 'account.tier_changed' as const,
      summary: `${r.name} is now ${label(r.tier)} (was ${label(r.previous_tier)})${r.overall === null ? '' : `, health ${Math.round(r.overall)}`}.`,
      data: { accountId: r.id, accountName: r.name, tier: r.tier, previousTier: r.previous_tier, overall: r.overall, period: r.period },
    })),
  );
  return rows.length;
}
