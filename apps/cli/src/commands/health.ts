import type { Command } from 'commander';
import { Session, type PulseClient } from '../connection.js';
import { cell, percent, score, table } from '../format.js';
import { resolveAccount } from './accounts.js';
import { parsePeriod } from './upload.js';

type Health = NonNullable<Awaited<ReturnType<PulseClient['health']['account']['query']>>>;
type Explanation = Awaited<ReturnType<PulseClient['health']['explain']['query']>>;

function printHealth(name: string, health: Health): void {
  console.log(`${name}, ${health.period}`);
  console.log(`  health    ${score(health.overall)} (${health.tier})`);
  console.log(`  coverage  ${percent(health.coverage)} (${health.scoredCount} of ${health.readingCount} readings scored)`);
  if (health.categories.length > 0) {
    console.log('');
    console.log(
      table(
        ['CATEGORY', 'SCORE', 'WEIGHT', 'SCORED', 'READINGS', 'COUNTED'],
        health.categories.map((c) => [c.category, score(c.score), c.weight, c.scoredCount, c.readingCount, c.counted ? 'yes' : 'no']),
      ),
    );
  }
}

function range(r: Explanation['readings'][number]['range']): string {
  if (!r) return '-';
  const arrow = r.higherIsBetter ? 'higher is better' : 'lower is better';
  return `risk ${r.riskThreshold}, healthy ${r.healthyThreshold} ${r.unit} (${arrow}; ${r.source})`;
}

function printExplanation(explanation: Explanation): void {
  console.log('');
  console.log(
    `How the score is formed: each reading scores 0-100 against its range; categories average their readings by impact; ` +
      `the overall score weights the categories that have a scored reading. Tiers: healthy from ${explanation.tiers.healthy}, ` +
      `at risk from ${explanation.tiers.atRisk}, critical below.`,
  );
  console.log('');
  console.log(
    table(
      ['CATEGORY', 'KPI', 'PRODUCT', 'RAW', 'STATUS', 'SCORE', 'IMPACT', 'RANGE', 'WARNING'],
      explanation.readings.map((r) => [
        r.category,
        r.kpi,
        r.product,
        r.displayed === null ? r.raw : `${r.raw} (shown as ${r.displayed})`,
        r.status,
        score(r.score),
        r.impact,
        range(r.range),
        cell(r.warning),
      ]),
    ),
  );
}

async function health(account: string, opts: { explain?: boolean; period?: string; json?: boolean }): Promise<void> {
  const session = Session.open();
  const { id, name } = await resolveAccount(session, account);
  const stored = await session.call(() => session.client.health.account.query({ accountId: id, period: opts.period ?? null }));
  if (!stored) {
    if (opts.json) console.log('null');
    else console.log(`${name} has no health score${opts.period ? ` for ${opts.period}` : ''} yet: upload KPI readings first.`);
    return;
  }
  const explanation = opts.explain ? await session.call(() => session.client.health.explain.query({ accountId: id, period: stored.period })) : null;
  if (opts.json) {
    console.log(JSON.stringify({ account: { id, name }, health: stored, ...(explanation ? { explanation } : {}) }, null, 2));
    return;
  }
  printHealth(name, stored);
  if (explanation) printExplanation(explanation);
}

export function registerHealth(program: Command): void {
  program
    .command('health')
    .description("show an account's health score (and with --explain, every reading behind it)")
    .argument('<account>', 'account name (any case; a unique part of it will do) or id')
    .option('--explain', 'list every reading with its score, range and warning')
    .option('--period <YYYY-MM>', 'the month to show (default: the latest with data)', parsePeriod)
    .option('--json', 'print JSON')
    .action(health);
}
