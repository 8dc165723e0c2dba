import { z } from 'zod';
import { noteKinds } from '@pulse/db';
import { protectedProcedure, router } from '../trpc.js';
import { isoTimestamp, name, pageInput, uuid } from '../validation.js';
import { MAX_NOTE_PARTICIPANTS, textLimits } from '../limits.js';
import { createNote, searchNotes } from '../domain/notes.js';
import { actorOf } from './actor.js';

/** Clocks differ a little: a note may be dated up to five minutes ahead of the server. */
const CLOCK_SLACK_MS = 5 * 60_000;

export const notesRouter = router({
  /** A note on an account (call, meeting, email or note) in Markdown. */
  create: protectedProcedure
    .input(
      z.strictObject({
        accountId: uuid,
        kind: z.enum(noteKinds),
        occurredAt: isoTimestamp.refine((v) => Date.parse(v) <= Date.now() + CLOCK_SLACK_MS, {
          message: 'A note records what happened: use a time that is not in the future.',
        }),
        participants: z.array(name()).max(MAX_NOTE_PARTICIPANTS).nullish(),
        body: z.string().trim().min(1, { message: 'Write the note.' }).max(textLimits.noteBody),
      }),
    )
    .mutation(({ ctx, input }) => createNote(ctx.db, { ...actorOf(ctx), userId: ctx.user.id }, input)),

  /** The organisation's notes containing every word of the query (word starts count), newest first. */
  search: protectedProcedure
    .input(z.strictObject({ ...pageInput, query: z.string().trim().min(1, { message: 'Enter a word to search for.' }).max(textLimits.searchQuery) }))
    .query(({ ctx, input }) => searchNotes(ctx.db, ctx.tenant.id, input.query, { limit: input.limit, cursor: input.cursor })),
});
