import { executions, type Db } from '@pulse/db';
import { slugify } from './filenames.js';
import { getExecution, type AuditEntry, type Execution } from './executions.js';
import { playbookFor } from './playbooks.js';
import { getRecommendation, type Reason } from './recommendations.js';
import { isoDay } from './dates.js';

/**
 * A Markdown report of a running or finished execution, built from its stored steps,
 * notes and audit trail and from the account's health before and during it.
 */

const BEFORE_PERIODS = 3;

/** Escapes text typed by users so it reads literally in Markdown. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]{}<>#|!~]/g, (c) => `\\${c}`);
}

function quote(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => `> ${md(line)}`)
    .join('\n');
}

const minute = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const score = (n: number | null): string => (n === null ? '—' : (Math.round(n * 10) / 10).toFixed(1));
const monthOf = (d: Date): string => d.toISOString().slice(0, 7);

function reportFilename(e: Pick<Execution, 'playbook' | 'account' | 'startedAt'>): string {
  return `${e.playbook.key.replace(/_/g, '-')}-${slugify(e.account.name, 'account')}-${isoDay(e.startedAt)}.md`;
}

function auditLine(entry: AuditEntry): string {
  const details = (entry.details ?? {}) as { step?: number; note?: string };
  const what: Record<string, string> = {
    'playbook.start': 'started the playbook',
    'playbook.step_complete': `completed step ${details.step}`,
    'playbook.step_skip': `skipped step ${details.step}`,
    'playbook.pause': `paused the playbook${details.note ? ` (${md(details.note.replace(/\s+/g, ' '))})` : ''}`,
    'playbook.resume': 'resumed the playbook',
    'playbook.cancel': 'cancelled the playbook',
    'playbook.complete': 'completed the playbook',
  };
  return `- ${minute(entry.at)}: ${entry.user ? md(entry.user.name) : 'system'} ${what[entry.action] ?? md(entry.action)}`;
}

export async function executionReport(db: Db, tenantId: string, id: string, now = new Date()): Promise<{ filename: string; markdown: string }> {
  const e = await getExecution(db, tenantId, id);
  const playbook = playbookFor(e.playbook.key);
  const reasons: Reason[] = e.recommendationId ? (await getRecommendation(db, tenantId, e.recommendationId)).reasons : [];
  const health = await executions.accountHealthAround(db, tenantId, e.account.id, monthOf(e.startedAt), monthOf(e.endedAt ?? now), BEFORE_PERIODS);
  const latest = health.during.at(-1);
  const change =
    e.healthAtStart !== null && latest?.overall != null
      ? `In ${latest.period}: ${score(latest.overall)} (${latest.overall - e.healthAtStart >= 0 ? '+' : ''}${score(latest.overall - e.healthAtStart)} points).`
      : 'No health data during the playbook yet to measure a change.';
  const table = (rows: typeof health.during) =>
    rows.length
      ? [
          '| Period | Health | Tier | Coverage |',
          '| --- | --- | --- | --- |',
          ...rows.map(
            (r) => `| ${r.period} | ${score(r.overall)} | ${r.tier.replace('_', ' ')} | ${r.coverage === null ? '—' : `${Math.round(r.coverage * 100)}%`} |`,
          ),
        ].join('\n')
      : '_No health data._';

  const lines = [
    `# ${md(playbook.name)}: ${md(e.account.name)}`,
    '',
    `_Report generated ${minute(now)}._`,
    '',
    `- **Status:** ${e.status}`,
    `- **Started:** ${isoDay(e.startedAt)} by ${md(e.startedBy.name)}`,
    `- **Planned end:** ${isoDay(e.dueAt)} (${playbook.durationDays} days)`,
    `- **Ended:** ${e.endedAt ? isoDay(e.endedAt) : '—'}`,
    `- **Progress:** ${e.progress.done + e.progress.skipped} of ${e.progress.total} steps resolved (${e.progress.done} done, ${e.progress.skipped} skipped), ${e.progress.percent}%`,
    '',
    '## Why it started',
    '',
    ...(reasons.length ? reasons.map((r) => `- ${md(r.message)}`) : ['Started without a recommendation.']),
    '',
    '## Purpose',
    '',
    playbook.purpose,
    '',
    '## Success criteria',
    '',
    ...playbook.successCriteria.map((c) => `- ${c}`),
    '',
    '## Health',
    '',
    `Health at the start: ${score(e.healthAtStart)}. ${change}`,
    '',
    '### Before',
    '',
    table(health.before),
    '',
    '### During',
    '',
    table(health.during),
    '',
    '## Steps',
    '',
    ...e.steps.flatMap((s) => [
      `### ${s.position}. ${md(s.title)}: ${s.status === 'done' ? 'done' : s.status === 'skipped' ? 'skipped' : 'open'}`,
      '',
      ...(s.completedAt && s.completedBy ? [`${s.status === 'done' ? 'Done' : 'Skipped'} by ${md(s.completedBy.name)} on ${isoDay(s.completedAt)}.`, ''] : []),
      ...(s.outcome ? [`**Outcome:** ${md(s.outcome)}`, ''] : []),
      ...(s.note ? [s.status === 'skipped' ? '**Reason:**' : '**Note:**', '', quote(s.note), ''] : []),
    ]),
    ...(e.closingNote ? ['## Closing note', '', quote(e.closingNote), ''] : []),
    '## Audit trail',
    '',
    ...e.audit.map(auditLine),
    '',
  ];
  return { filename: reportFilename(e), markdown: lines.join('\n') };
}
