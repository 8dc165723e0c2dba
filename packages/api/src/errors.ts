import { TRPCError } from '@trpc/server';
import type { ZodError, core } from 'zod';
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

export function payloadTooLarge(message: string): TRPCError {
  return new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message });
}

export function tooManyRequests(message: string): TRPCError {
  return new TRPCError({ code: 'TOO_MANY_REQUESTS', message });
}

/** A BAD_REQUEST for problems found by a validator, each message next to the field it concerns. */
export function invalid(problems: readonly { field: string; message: string }[]): TRPCError {
  const fieldErrors: Record<string, string[]> = {};
  for (const { field, message } of problems) (fieldErrors[field] ??= []).push(message);
  return badRequest(problems.map((problem) => problem.message).join(' '), fieldErrors);
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

const list = (values: readonly unknown[]) => values.map(String).join(', ');

/**
 * A sentence for an input problem that has no message of its own, in the words a person can
 * act on ("Use at most 200 characters.", not the validator's "Too big: expected string to have
 * <=200 characters"). Installed as zod's error map in trpc.ts; schemas that name their own
 * message ('Enter a valid email address.') keep it.
 */
export function inputProblem(issue: core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'too_big': {
      const limit = String(issue.maximum);
      if (issue.origin === 'string') return `Use at most ${limit} characters.`;
      if (issue.origin === 'number' || issue.origin === 'int') return issue.inclusive === false ? `Enter a number below ${limit}.` : `Enter ${limit} or less.`;
      return `Choose at most ${limit}.`;
    }
    case 'too_small': {
      const limit = String(issue.minimum);
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Required.' : `Use at least ${limit} characters.`;
      if (issue.origin === 'number' || issue.origin === 'int') return issue.inclusive === false ? `Enter a number above ${limit}.` : `Enter ${limit} or more.`;
      return `Choose at least ${limit}.`;
    }
    case 'invalid_type':
      if (issue.input === undefined) return 'Required.';
      if (issue.expected === 'number' || issue.expected === 'int') return 'Enter a number.';
      return 'This value is not valid here.';
    case 'invalid_format':
      if (issue.format === 'email') return 'Enter a valid email address.';
      if (issue.format === 'uuid') return 'Not a valid id.';
      if (issue.format === 'date') return 'Use the form YYYY-MM-DD.';
      return 'This value is not in the expected form.';
    case 'invalid_value':
      return `Choose one of: ${list(issue.values)}.`;
    case 'unrecognized_keys':
      return `Pulse does not know ${issue.keys.length === 1 ? 'the field' : 'the fields'} ${list(issue.keys)}.`;
    case 'not_multiple_of':
      return `Enter a multiple of ${String(issue.divisor)}.`;
    default:
      return 'This value is not valid here.';
  }
}

/**
 * A failed input parse as the API reports it: sentences by field, the field named by its
 * full path ("tiers.healthy"), and the problems of the input as a whole in the message.
 */
export function inputErrors(error: ZodError): { message: string; fieldErrors: Record<string, string[]> } {
  const fieldErrors: Record<string, string[]> = {};
  const general: string[] = [];
  for (const issue of error.issues) {
    if (issue.path.length === 0) general.push(issue.message);
    else (fieldErrors[issue.path.join('.')] ??= []).push(issue.message);
  }
  return { message: general.length > 0 ? general.join(' ') : 'Some fields are not valid.', fieldErrors };
}
