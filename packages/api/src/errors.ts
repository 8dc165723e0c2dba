import { TRPCError } from '@trpc/server';
import { InvalidCursorError } from '@pulse/db';

/**
 * The one error vocabulary of the domain. Ids of other tenants and ids that do not exist
 * get the same NOT_FOUND, so nothing tells a caller that another tenant's row exists.
 */
export function notFound(what: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `${what} not found.` });
}

export function conflict(message: string): TRPCError {
  return new TRPCError({ code: 'CONFLICT', message });
}

export function badRequest(message: string, fieldErrors?: Record<string, string[]>): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message, cause: fieldErrors ? new FieldErrors(fieldErrors) : undefined });
}

export function forbidden(message = 'You do not have permission to do this.'): TRPCError {
  return new TRPCError({ code: 'FORBIDDEN', message });
}

export function unauthorized(message = 'Please sign in.'): TRPCError {
  return new TRPCError({ code: 'UNAUTHORIZED', message });
}

export function tooManyRequests(message: string): TRPCError {
  return new TRPCError({ code: 'TOO_MANY_REQUESTS', message });
}

/** Field-level messages attached to a BAD_REQUEST, surfaced as data.fieldErrors. */
export class FieldErrors extends Error {
  constructor(readonly fieldErrors: Record<string, string[]>) {
    super('Invalid input');
  }
}

/** A PostgreSQL unique violation: another request created the same row after our check. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/**
 * Errors thrown below the procedures for bad client input, as this vocabulary has them: an
 * invalid list cursor or text the database cannot store is the caller's BAD_REQUEST, not an
 * internal error. Applied to every procedure in trpc.ts.
 */
export function fromDataError(error: TRPCError): TRPCError {
  const cause = error.cause;
  if (cause instanceof InvalidCursorError) return badRequest(cause.message, { cursor: [cause.message] });
  if (isUnstorableText(cause)) return badRequest('Text must not contain NUL characters.');
  return error;
}

/** Text PostgreSQL cannot store, which only client data brings: a NUL in text (22021) or in JSON (22P05). */
function isUnstorableText(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}
