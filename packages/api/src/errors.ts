import { TRPCError } from '@trpc/server';

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
