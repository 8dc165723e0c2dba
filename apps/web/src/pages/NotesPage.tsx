import { useEffect, useState } from 'react';
import { textLimits } from '@pulse/api/limits';
import { Field } from '../components/Field.js';
import { InfiniteListView } from '../components/InfiniteListView.js';
import { Markdown } from '../components/Markdown.js';
import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';
import { Tag } from '../components/Tag.js';
import { formatDateTime, humanize } from '../format.js';
import { useDebouncedValue } from '../hooks/useDebouncedValue.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useSetSearch } from '../search.js';
import { trpc } from '../trpc.js';

/** A query the API can search with: at least one letter or digit. */
const searchable = (query: string) => /[\p{L}\p{N}]/u.test(query);

function NoteResults({ query }: { query: string }) {
  const list = useInfiniteList(trpc.notes.search, { limit: 20, query });
  return (
    <InfiniteListView
      list={list}
      loadingLabel="Searching notes…"
      errorTitle="Notes could not be searched"
      empty={<EmptyState title="No note matches">Every word must occur in a note or its participants; the start of a word is enough.</EmptyState>}
    >
      {(notes) => (
        <ol className="note-results" aria-label="Notes found">
          {notes.map((note) => (
            <li key={note.id} className="card note-result">
              <p className="note-result-meta">
                <Link to="/accounts/$accountId" params={{ accountId: note.account.id }}>
                  {note.account.name}
                </Link>{' '}
                <Tag>{humanize(note.kind)}</Tag>{' '}
                <span className="cell-muted">
                  {formatDateTime(note.occurredAt)} · {note.author.name}
                  {note.participants.length > 0 && ` · with ${note.participants.join(', ')}`}
                </span>
              </p>
              <Markdown text={note.body} />
            </li>
          ))}
        </ol>
      )}
    </InfiniteListView>
  );
}

const route = getRouteApi('/notes');

/** Every note of the organisation, searched with PostgreSQL full-text search, newest first. */
export function NotesPage() {
  const initial = route.useSearch({ select: (search) => search.q });
  const [value, setValue] = useState(initial ?? '');
  const settled = useDebouncedValue(value.trim(), 300);
  const setSearch = useSetSearch('/notes');
  useEffect(() => {
    if (settled !== (new URLSearchParams(window.location.search).get('q') ?? '')) setSearch({ q: settled || undefined });
  }, [settled, setSearch]);
  return (
    <Page title="Notes" description="Search what the team wrote about calls, meetings and emails, across every account.">
      <div className="card notes-search">
        <Field
          label="Search notes"
          name="q"
          type="search"
          value={value}
          maxLength={textLimits.searchQuery}
          placeholder="e.g. renewal budget"
          hint="Finds notes containing every word, in the text or the participants."
          onChange={(event) => setValue(event.target.value)}
        />
      </div>
      {searchable(settled) ? (
        <NoteResults query={settled} />
      ) : (
        <EmptyState title="Type a word to search">Notes are written on each account’s timeline.</EmptyState>
      )}
    </Page>
  );
}
