import { outcomes, type Db } from '@pulse/db';
import { tiers, type Tier } from '@pulse/scoring/tiers';
import { csvLine } from './csv.js';
import { isoDay } from './dates.js';

/**
 * Does health predict churn? Over the recorded renewal outcomes, the account's health tier
 * and score monthsBefore months before each renewal date, and how well "critical" warned of
 * churn: recall (share of churned accounts that were critical beforehand) and precision
 * (share of critical accounts that then churned), for the account score and per category.
 * Definitions and the minimum are in docs/SEGMENTS.md.
 */

export const churnHorizons = [1, 3, 6] as const;
export type ChurnHorizon = (typeof churnHorizons)[number];

/** Below these counts of outcomes with a score, the report gives counts but no rates. */
export const churnMinimum = { outcomes: 20, churned: 5, retained: 5 } as const;

/** The tiers of an account with a score: every tier but `unknown` (and `none`, no health stored then). */
type ScoredTier = Exclude<Tier, 'unknown'>;
const isScored = (tier: Tier | 'none'): tier is ScoredTier => tier !== 'none' && tier !== 'unknown';
const SCORED_TIERS = tiers.filter(isScored);

export interface TierRow {
  tier: ScoredTier;
  churned: number;
  retained: number;
  /** churned ÷ (churned + retained); null when the tier has no outcome. */
  churnRate: number | null;
  meanScore: number | null;
}

export interface Signal {
  /** Outcomes (with a score) whose account was critical beforehand. */
  critical: number;
  churned: number;
  criticalChurned: number;
  /** criticalChurned ÷ churned; null below the minimum or when nothing churned. */
  recall: number | null;
  /** criticalChurned ÷ critical; null below the minimum or when nothing was critical. */
  precision: number | null;
}

export interface ChurnSignal {
  monthsBefore: ChurnHorizon;
  minimum: typeof churnMinimum;
  outcomes: {
    total: number;
    /** With an account score in the month monthsBefore months before the renewal date. */
    scored: number;
    churned: number;
    retained: number;
    /** No health stored for that month, or health without a score. */
    withoutScore: number;
  };
  /** How many more scored outcomes the report needs before it draws conclusions; null when it has enough. */
  needed: { outcomes: number; churned: number; retained: number } | null;
  tiers: TierRow[];
  meanScore: { churned: number | null; retained: number | null };
  account: Signal;
  categories: (Signal & { category: string; scored: number })[];
}

const ratio = (part: number, whole: number, enough: boolean): number | null => (enough && whole > 0 ? part / whole : null);

function meanOf(rows: outcomes.TierCount[]): number | null {
  const scored = rows.filter((r) => r.meanScore !== null);
  const n = scored.reduce((sum, r) => sum + r.outcomes, 0);
  return n === 0 ? null : scored.reduce((sum, r) => sum + (r.meanScore as number) * r.outcomes, 0) / n;
}

export async function churnSignal(db: Db, tenantId: string, monthsBefore: ChurnHorizon): Promise<ChurnSignal> {
  const [tierCounts, categoryCounts] = await Promise.all([
    outcomes.tierCounts(db, tenantId, monthsBefore),
    outcomes.categoryCounts(db, tenantId, monthsBefore),
  ]);
  const count = (rows: { outcomes: number }[]) => rows.reduce((sum, r) => sum + r.outcomes, 0);
  const scoredRows = tierCounts.filter((r) => isScored(r.tier));
  const churned = count(scoredRows.filter((r) => r.churned));
  const retained = count(scoredRows.filter((r) => !r.churned));
  const total = count(tierCounts);
  const needed = {
    outcomes: Math.max(0, churnMinimum.outcomes - churned - retained),
    churned: Math.max(0, churnMinimum.churned - churned),
    retained: Math.max(0, churnMinimum.retained - retained),
  };
  const enough = needed.outcomes === 0 && needed.churned === 0 && needed.retained === 0;
  const signal = (critical: number, churnedN: number, criticalChurned: number): Signal => ({
    critical,
    churned: churnedN,
    criticalChurned,
    recall: ratio(criticalChurned, churnedN, enough),
    precision: ratio(criticalChurned, critical, enough),
  });
  const tiers = SCORED_TIERS.map((tier): TierRow => {
    const rows = scoredRows.filter((r) => r.tier === tier);
    const c = count(rows.filter((r) => r.churned));
    const k = count(rows.filter((r) => !r.churned));
    return { tier, churned: c, retained: k, churnRate: ratio(c, c + k, enough), meanScore: meanOf(rows) };
  });
  const critical = tiers.find((t) => t.tier === 'critical') as TierRow;
  const categoryNames = [...new Set(categoryCounts.map((r) => r.category))];
  return {
    monthsBefore,
    minimum: churnMinimum,
    outcomes: { total, scored: churned + retained, churned, retained, withoutScore: total - churned - retained },
    needed: enough ? null : needed,
    tiers,
    meanScore: { churned: meanOf(scoredRows.filter((r) => r.churned)), retained: meanOf(scoredRows.filter((r) => !r.churned)) },
    account: signal(critical.churned + critical.retained, churned, critical.churned),
    categories: categoryNames.map((category) => {
      const rows = categoryCounts.filter((r) => r.category === category);
      const c = rows.find((r) => r.churned);
      const k = rows.find((r) => !r.churned);
      return { category, scored: (c?.scored ?? 0) + (k?.scored ?? 0), ...signal((c?.critical ?? 0) + (k?.critical ?? 0), c?.scored ?? 0, c?.critical ?? 0) };
    }),
  };
}

const csvHeader = [
  'measure',
  'name',
  'scored_outcomes',
  'churned',
  'retained',
  'critical',
  'critical_churned',
  'churn_rate',
  'recall',
  'precision',
  'mean_score',
];

/** The report as CSV, one line per tier, one for the account score as a warning and one per category. */
export async function churnSignalCsv(db: Db, tenantId: string, monthsBefore: ChurnHorizon, now = new Date()): Promise<{ filename: string; csv: string }> {
  const report = await churnSignal(db, tenantId, monthsBefore);
  const lines = [
    csvLine(csvHeader),
    ...report.tiers.map((t) => csvLine(['tier', t.tier, t.churned + t.retained, t.churned, t.retained, null, null, t.churnRate, null, null, t.meanScore])),
    csvLine([
      'critical_warning',
      'account score',
      report.outcomes.scored,
      report.outcomes.churned,
      report.outcomes.retained,
      report.account.critical,
      report.account.criticalChurned,
      null,
      report.account.recall,
      report.account.precision,
      null,
    ]),
    ...report.categories.map((c) =>
      csvLine(['critical_warning', c.category, c.scored, c.churned, c.scored - c.churned, c.critical, c.criticalChurned, null, c.recall, c.precision, null]),
    ),
  ];
  return { filename: `churn-signal-${monthsBefore}-months-${isoDay(now)}.csv`, csv: lines.join('') };
}
