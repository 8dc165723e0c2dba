import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.js';
import { name, pageInput, uuid } from '../validation.js';
import { bookTaskCounts, completeTask, createTask, getTask, listBookTasks, updateTask } from '../domain/tasks.js';
import { actorOf, callerOf } from './actor.js';

const day = z.iso.date({ message: 'Use the form YYYY-MM-DD.' });
const priority = z.enum(['low', 'normal', 'high']);
const assignee = z.union([z.literal('me'), uuid]).nullish();
const note = z
  .string()
  .trim()
  .max(5000)
  .nullish()
  .transform((v) => v || null);

export const tasksRouter = router({
  list: protectedProcedure
    .input(
      z.strictObject({
        ...pageInput,
        /** Whose tasks: 'me', a user's id (admins only for other users), or null for everyone's. */
        assignee,
        accountId: uuid.nullish(),
        status: z.enum(['open', 'done', 'cancelled']).nullish(),
        due: z.enum(['overdue', 'today', 'week']).nullish(),
      }),
    )
    .query(({ ctx, input: { limit, cursor, ...filters } }) => listBookTasks(ctx.db, callerOf(ctx), filters, { limit, cursor })),

  /** Open tasks by due window (overdue, today, this week) for the dashboard; the caller's own by default. */
  counts: protectedProcedure
    .input(
      z.strictObject({
        assignee: z
          .union([z.literal('me'), uuid])
          .nullable()
          .default('me'),
      }),
    )
    .query(({ ctx, input }) => bookTaskCounts(ctx.db, callerOf(ctx), input.assignee)),

  byId: protectedProcedure.input(z.strictObject({ id: uuid })).query(({ ctx, input }) => getTask(ctx.db, ctx.tenant.id, input.id)),

  create: protectedProcedure
    .input(z.strictObject({ accountId: uuid, title: name(), dueDate: day, priority: priority.optional(), assigneeId: uuid.nullish() }))
    .mutation(({ ctx, input }) => createTask(ctx.db, actorOf(ctx), input)),

  update: protectedProcedure
    .input(
      z
        .strictObject({
          id: uuid,
          title: name().optional(),
          dueDate: day.optional(),
          priority: priority.optional(),
          assigneeId: uuid.nullable().optional(),
          status: z.enum(['open', 'cancelled']).optional(),
        })
        .refine((v) => Object.keys(v).length > 1, { message: 'Change at least one field.', path: ['id'] }),
    )
    .mutation(({ ctx, input: { id, ...changes } }) => updateTask(ctx.db, actorOf(ctx), id, changes)),

  complete: protectedProcedure.input(z.strictObject({ id: uuid, note })).mutation(({ ctx, input }) => completeTask(ctx.db, actorOf(ctx), input.id, input.note)),
});
