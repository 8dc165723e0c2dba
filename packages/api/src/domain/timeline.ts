import { timeline, timelineKinds, type Db, type Page, type PageRequest, type TimelineKind } from '@pulse/db';
import { getAccount } from './accounts.js';
import { playbookFor } from './playbooks.js';

/**
 * One account's story, newest first: notes, health tier changes, uploads that touched it,
 * playbook events, tasks, renewal outcomes and sentiment, each told as a sentence with the
 * row it comes from. The union and its keyset pagination live in repos/timeline.ts.
 */

export type TimelineSourceType = 'note' | 'health' | 'upload' | 'execution' | 'task' | 'renewal' | 'sentiment';

export interface TimelineItem {
  /** Unique across kinds ('note:<id>', 'task-done:<id>', …). */
  id: string;
  kind: TimelineKind;
  /** What happened within the kind: the note's kind, the new tier, started/step_done/completed/cancelled, created/done, the outcome. */
  event: string;
  occurredAt: Date;
  sentence: string;
  /** Markdown of a note, or the comment of a sentiment entry (plain text); else null. */
  body: string | null;
  source: { type: TimelineSourceType; id: string };
}

const sourceTypes: Record<TimelineKind, TimelineSourceType> = {
  note: 'note',
  health: 'health',
  upload: 'upload',
  playbook: 'execution',
  task: 'task',
  renewal: 'renewal',
  sentiment: 'sentiment',
};

const tierLabel = (tier: string | null) => (tier ?? 'unknown').replace('_', ' ');

/** A sentiment value as people say it: 1 red, 3 amber, 5 green, the others as numbers. */
export function sentimentLabel(value: number): string {
  const colour = ({ 1: 'red', 3: 'amber', 5: 'green' } as Record<number, string>)[value];
  return colour ? `${colour} (${value})` : String(value);
}

const noteWords: Record<string, string> = { call: 'logged a call', meeting: 'logged a meeting', email: 'logged an email', note: 'wrote a note' };

function sentenceOf(r: timeline.TimelineRow): string {
  const who = r.actor ?? 'Pulse';
  const playbook = () => playbookFor(r.title ?? '').name;
  switch (r.kind) {
    case 'note':
      return `${who} ${noteWords[r.event] ?? 'wrote a note'}${r.detail ? ` with ${r.detail}` : ''}.`;
    case 'health':
      return `Health turned ${tierLabel(r.event)} in ${r.detail} (was ${tierLabel(r.title)})${r.value === null ? '' : `, score ${Math.round(r.value)}`}.`;
    case 'upload':
      return `${who} uploaded ${r.title} (${r.detail}) with ${r.value ?? 0} readings for ${r.event}.`;
    case 'playbook':
      if (r.event === 'started') return `${who} started ${playbook()}.`;
      if (r.event === 'step_done') return `${who} completed step ${r.value ?? ''} of ${playbook()}: ${r.detail}.`;
      return `${playbook()} was ${r.event}${r.detail ? `: ${r.detail}` : ''}.`;
    case 'task':
      return r.event === 'done'
        ? `${who} completed the task “${r.title}”${r.detail ? `: ${r.detail}` : ''}.`
        : `${r.actor ?? (r.detail === 'playbook_step' ? 'A playbook' : 'A trigger')} created the task “${r.title}”.`;
    case 'renewal':
      return `${who} recorded the renewal${r.title ? ` of ${r.title}` : ''} as ${r.event}${r.detail ? `: ${r.detail}` : ''}.`;
    case 'sentiment':
      return `${who} set the manager sentiment for ${r.event} to ${sentimentLabel(r.value ?? 0)}${r.detail ? ` (was ${sentimentLabel(Number(r.detail))})` : ''}.`;
  }
}

/** The account's timeline, newest first, of the given kinds (all when none are given). */
export async function listTimeline(
  db: Db,
  tenantId: string,
  accountId: string,
  kinds: readonly TimelineKind[] | null | undefined,
  page: PageRequest,
): Promise<Page<TimelineItem>> {
  await getAccount(db, tenantId, accountId);
  const chosen = kinds && kinds.length > 0 ? timelineKinds.filter((k) => kinds.includes(k)) : timelineKinds;
  const result = await timeline.timelinePage(db, tenantId, accountId, chosen, page);
  return {
    items: result.items.map((r) => ({
      id: r.key,
      kind: r.kind,
      event: r.event,
      occurredAt: r.occurred_at,
      sentence: sentenceOf(r),
      body: r.kind === 'note' || r.kind === 'sentiment' ? r.title : null,
      source: { type: sourceTypes[r.kind], id: r.source_id },
    })),
    nextCursor: result.nextCursor,
  };
}
