import { kpiKey, scoreReading } from '@pulse/scoring';
import { sentiment, type Db, type Page, type PageRequest } from '@pulse/db';
import { forbidden } from '../errors.js';
import { getAccount, type Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { accountHealth, recomputeHealth, type AccountHealth } from './health.js';
import { loadScoringContext } from './scoring-context.js';

/**
 * Manager sentiment: the account owner's judgement, 1 (red) to 5 (green), per account and
 * period, with a required comment. It is the catalogue KPI "Manager Sentiment" (Relationship
 * Strength): each entry is kept (history), and the newest entry of a period is that period's
 * reading of the KPI, scored and rolled up by the one algorithm like any uploaded reading.
 */

export const SENTIMENT_KPI = 'Manager Sentiment';

/** Colours a manager may pick instead of a number. */
export const sentimentColours = { red: 1, amber: 3, green: 5 } as const;
export type SentimentColour = keyof typeof sentimentColours;

/** Impact of the sentiment reading in its category: the default impact of a reading. */
const SENTIMENT_IMPACT = 'Medium';

export interface SentimentEntry {
  id: string;
  accountId: string;
  period: string;
  value: number;
  previousValue: number | null;
  comment: string;
  setBy: { id: string; name: string };
  setAt: Date;
}

export interface SentimentInput {
  accountId: string;
  period: string;
  value: number;
  comment: string;
}

function toEntry(r: sentiment.SentimentEntryRow): SentimentEntry {
  return {
    id: r.id,
    accountId: r.account_id,
    period: r.period,
    value: r.value,
    previousValue: r.previous_value,
    comment: r.comment,
    setBy: { id: r.set_by, name: r.set_by_name },
    setAt: r.set_at,
  };
}

/**
 * Records the sentiment of an account for a period and recomputes that period's health.
 * Only the account's owner and admins may set it; another tenant's account is NOT_FOUND.
 */
export async function setSentiment(
  db: Db,
  actor: Actor & { userId: string; role: 'admin' | 'member' },
  input: SentimentInput,
): Promise<{ entry: SentimentEntry; health: AccountHealth | null }> {
  const account = await getAccount(db, actor.tenantId, input.accountId);
  if (actor.role !== 'admin' && account.owner?.id !== actor.userId) throw forbidden('Only the account’s owner or an admin can set its sentiment.');
  const previousValue = await sentiment.currentSentiment(db, actor.tenantId, account.id, input.period);
  const row = await sentiment.insertSentimentEntry(db, actor.tenantId, {
    accountId: account.id,
    period: input.period,
    value: input.value,
    previousValue,
    comment: input.comment,
    setBy: actor.userId,
  });
  const ctx = await loadScoringContext(db, actor.tenantId);
  const key = kpiKey(SENTIMENT_KPI);
  const range = ctx.ranges.get(key)?.range;
  const scored = scoreReading({ raw: String(input.value) }, range);
  await sentiment.replaceSentimentReading(db, actor.tenantId, {
    accountId: account.id,
    period: input.period,
    sentimentId: row.id,
    category: range?.category ?? 'Relationship Strength',
    kpiName: range?.kpiName ?? SENTIMENT_KPI,
    kpiKey: key,
    raw: String(input.value),
    value: scored.value,
    unit: scored.unit,
    status: scored.status,
    score: scored.score,
    impact: SENTIMENT_IMPACT,
    warning: scored.warning?.message ?? null,
  });
  await recomputeHealth(db, actor.tenantId, ctx, [{ accountId: account.id, period: input.period }]);
  await recordActivity(db, {
    ...actor,
    action: 'sentiment.set',
    resourceType: 'account',
    resourceId: account.id,
    before: { period: input.period, value: previousValue },
    after: { period: input.period, value: input.value, comment: input.comment },
  });
  return { entry: toEntry(row), health: await accountHealth(db, actor.tenantId, account.id, input.period) };
}

/** Every sentiment entry of an account, newest first. */
export async function sentimentHistory(db: Db, tenantId: string, accountId: string, page: PageRequest): Promise<Page<SentimentEntry>> {
  await getAccount(db, tenantId, accountId);
  const result = await sentiment.listSentimentEntries(db, tenantId, accountId, page);
  return { items: result.items.map(toEntry), nextCursor: result.nextCursor };
}
