import { useState, type FormEvent } from 'react';
import { MAX_NOTE_PARTICIPANTS, textLimits } from '@pulse/api/limits';
import { Card } from '../../components/Card.js';
import { Dialog } from '../../components/Dialog.js';
import { Field, FormError, SelectField, TextAreaField } from '../../components/Field.js';
import { InfiniteListView } from '../../components/InfiniteListView.js';
import { Markdown } from '../../components/Markdown.js';
import { EmptyState } from '../../components/states.js';
import { formErrors } from '../../errors.js';
import { formText } from '../../form.js';
import { formatDateTime, previousMonth } from '../../format.js';
import { useInfiniteList } from '../../hooks/useInfiniteList.js';
import { Link, linkOptions, type LinkOptions } from '@tanstack/react-router';
import { useSessionStatus } from '../../session.js';
import { trpc, type RouterInputs, type RouterOutputs } from '../../trpc.js';

type Item = RouterOutputs['timeline']['list']['items'][number];
type Kind = NonNullable<RouterInputs['timeline']['list']['kinds']>[number];
type NoteKind = RouterInputs['notes']['create']['kind'];

const kindLabels: Record<Kind, string> = {
  note: 'Notes',
  health: 'Health changes',
  upload: 'Uploads',
  playbook: 'Playbooks',
  task: 'Tasks',
  renewal: 'Renewals',
  sentiment: 'Sentiment',
};

const sentimentOptions = [
  { value: 1, label: '1 – red' },
  { value: 2, label: '2' },
  { value: 3, label: '3 – amber' },
  { value: 4, label: '4' },
  { value: 5, label: '5 – green' },
];

/** Where a timeline event's source is shown. */
function sourceLink(accountId: string, item: Item): { link: LinkOptions; label: string } | null {
  switch (item.source.type) {
    case 'execution':
      return { link: linkOptions({ to: '/playbooks/$executionId', params: { executionId: item.source.id } }), label: 'Open the playbook run' };
    case 'task':
      return { link: linkOptions({ to: '/tasks' }), label: 'Open tasks' };
    case 'renewal':
      return { link: linkOptions({ to: '/renewals' }), label: 'Open renewals' };
    case 'health':
      return {
        link: linkOptions({ to: '/accounts/$accountId', params: { accountId }, search: { period: item.source.id } }),
        label: 'Show this period’s health',
      };
    case 'upload':
      return { link: linkOptions({ to: '/upload' }), label: 'Open uploads' };
    default:
      return null;
  }
}

/** The local date and time of now, as a datetime-local input takes it. */
function localNow(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** Invalidates what a new note or sentiment changes. */
function useMemoryChanged() {
  const utils = trpc.useUtils();
  return () =>
    Promise.all([
      utils.timeline.invalidate(),
      utils.notes.invalidate(),
      utils.sentiment.invalidate(),
      utils.health.invalidate(),
      utils.accounts.byId.invalidate(),
    ]);
}

/** Errors of a field and of its items ("participants.0"). */
function errorsUnder(fieldErrors: Record<string, string[]>, name: string): string[] {
  return Object.entries(fieldErrors).flatMap(([key, messages]) => (key === name || key.startsWith(`${name}.`) ? messages : []));
}

function AddNoteDialog({ accountId, open, onClose }: { accountId: string; open: boolean; onClose: () => void }) {
  const changed = useMemoryChanged();
  const create = trpc.notes.create.useMutation({
    onSuccess: async () => {
      await changed();
      onClose();
    },
  });
  const { message, fieldErrors } = formErrors(create.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const when = formText(form, 'occurredAt');
    const participants = formText(form, 'participants')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    create.mutate({
      accountId,
      kind: formText(form, 'kind') as NoteKind,
      // A local date and time; an unreadable one goes as typed and comes back with a sentence.
      occurredAt: Number.isNaN(Date.parse(when)) ? when : new Date(when).toISOString(),
      participants,
      body: formText(form, 'body'),
    });
  };
  return (
    <Dialog open={open} title="Add a note" onClose={onClose} description="Markdown works: **bold**, lists, links." wide>
      <form className="form-grid" onSubmit={submit} noValidate aria-label="Add a note">
        <FormError message={message} />
        <SelectField label="Kind" name="kind" defaultValue="call" errors={fieldErrors.kind}>
          <option value="call">Call</option>
          <option value="meeting">Meeting</option>
          <option value="email">Email</option>
          <option value="note">Note</option>
        </SelectField>
        <Field label="When" name="occurredAt" type="datetime-local" defaultValue={localNow()} required errors={fieldErrors.occurredAt} />
        <Field
          label="Participants"
          name="participants"
          hint={`Names separated by commas, at most ${MAX_NOTE_PARTICIPANTS}.`}
          errors={errorsUnder(fieldErrors, 'participants')}
          fieldClassName="span-2"
        />
        <TextAreaField label="Note" name="body" rows={6} required maxLength={textLimits.noteBody} errors={fieldErrors.body} fieldClassName="span-2" />
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? 'Saving…' : 'Save note'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function SentimentDialog({ accountId, period, open, onClose }: { accountId: string; period: string; open: boolean; onClose: () => void }) {
  const changed = useMemoryChanged();
  const set = trpc.sentiment.set.useMutation({
    onSuccess: async () => {
      await changed();
      onClose();
    },
  });
  const { message, fieldErrors } = formErrors(set.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    set.mutate({ accountId, period: formText(form, 'period'), value: Number(formText(form, 'value')), comment: formText(form, 'comment') });
  };
  return (
    <Dialog
      open={open}
      title="Manager sentiment"
      onClose={onClose}
      description="Your judgement of the account for a month, 1 (red) to 5 (green). It counts in Relationship Strength like any KPI reading."
    >
      <form className="form-grid" onSubmit={submit} noValidate aria-label="Set sentiment">
        <FormError message={message} />
        <Field label="Month" name="period" type="month" defaultValue={period} required errors={fieldErrors.period} />
        <SelectField label="Sentiment" name="value" defaultValue="3" errors={fieldErrors.value}>
          {sentimentOptions.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </SelectField>
        <TextAreaField label="Why" name="comment" required maxLength={textLimits.sentimentComment} errors={fieldErrors.comment} fieldClassName="span-2" />
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={set.isPending}>
            {set.isPending ? 'Saving…' : 'Save sentiment'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function TimelineEntry({ accountId, item }: { accountId: string; item: Item }) {
  const link = sourceLink(accountId, item);
  return (
    <li className={`timeline-item timeline-${item.kind}`}>
      <time className="timeline-time" dateTime={new Date(item.occurredAt).toISOString()}>
        {formatDateTime(item.occurredAt)}
      </time>
      <p className="timeline-sentence">
        {item.sentence}
        {link && (
          <>
            {' '}
            <Link {...link.link}>{link.label}</Link>
          </>
        )}
      </p>
      {item.body !== null && (item.kind === 'note' ? <Markdown text={item.body} /> : <p className="timeline-comment">{item.body}</p>)}
    </li>
  );
}

/**
 * The account's story, newest first (notes, health changes, uploads, playbooks, tasks,
 * renewals, sentiment), scrolled in pages, with a note and a sentiment to add. Sentiment is
 * offered to the account's owner and to admins, the people the API lets set it, for the
 * account's latest scored month by default (the one its health shows).
 */
export function AccountTimeline({ account }: { account: { id: string; ownerId: string | null; archived: boolean; healthPeriod: string | null } }) {
  const [kind, setKind] = useState<Kind | ''>('');
  const [dialog, setDialog] = useState<'note' | 'sentiment' | null>(null);
  const status = useSessionStatus();
  const me = status.data?.signedIn ? status.data.user : null;
  const canSetSentiment = me !== null && (me.role === 'admin' || me.id === account.ownerId);
  const list = useInfiniteList(trpc.timeline.list, { limit: 20, accountId: account.id, kinds: kind ? [kind] : null });
  return (
    <Card
      title="Timeline"
      actions={
        !account.archived && (
          <div className="card-actions">
            {canSetSentiment && (
              <button type="button" className="button button-secondary button-small" onClick={() => setDialog('sentiment')}>
                Set sentiment
              </button>
            )}
            <button type="button" className="button button-primary button-small" onClick={() => setDialog('note')}>
              Add note
            </button>
          </div>
        )
      }
    >
      <div className="timeline-filter">
        <SelectField label="Show" name="kind" value={kind} onChange={(event) => setKind(event.target.value as Kind | '')}>
          <option value="">Everything</option>
          {Object.entries(kindLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
      </div>
      <InfiniteListView
        list={list}
        loadingLabel="Loading the timeline…"
        errorTitle="The timeline could not be loaded"
        empty={
          <EmptyState title={kind ? 'Nothing of this kind yet' : 'Nothing has happened yet'}>
            Notes, health changes, uploads, playbooks, tasks and renewals show here.
          </EmptyState>
        }
      >
        {(items) => (
          <ol className="timeline" aria-label="Timeline">
            {items.map((item) => (
              <TimelineEntry key={item.id} accountId={account.id} item={item} />
            ))}
          </ol>
        )}
      </InfiniteListView>
      <AddNoteDialog accountId={account.id} open={dialog === 'note'} onClose={() => setDialog(null)} />
      <SentimentDialog accountId={account.id} period={account.healthPeriod ?? previousMonth()} open={dialog === 'sentiment'} onClose={() => setDialog(null)} />
    </Card>
  );
}
