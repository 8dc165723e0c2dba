import type { Request, Response } from 'express';
import type { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { FieldErrors, forbidden, unauthorized, type Context, type Tenant } from '@pulse/api';
import type { PublicUser } from '@pulse/db';

/** An error in tRPC's own shape, with a BAD_REQUEST's per-field sentences as the error formatter gives them (data.fieldErrors). */
export interface ErrorShape {
  error: { message: string; code: number; data: { code: TRPCError['code']; httpStatus: number; fieldErrors?: Record<string, string[]> } };
}

export function errorShape(error: TRPCError): ErrorShape {
  const httpStatus = getHTTPStatusCodeFromError(error);
  const fieldErrors = error.cause instanceof FieldErrors ? { fieldErrors: error.cause.fieldErrors } : {};
  return { error: { message: error.message, code: TRPC_ERROR_CODES_BY_KEY[error.code], data: { code: error.code, httpStatus, ...fieldErrors } } };
}

/**
 * An error answered outside tRPC (the export, file and upload routes, the security checks that
 * run before tRPC) in tRPC's own shape, so every client reads one shape:
 * `{ error: { message, code, data: { code, httpStatus, fieldErrors? } } }`.
 */
export function sendError(res: Response, error: TRPCError): void {
  res.status(getHTTPStatusCodeFromError(error)).json(errorShape(error));
}

/** Resolves who calls a route outside tRPC, as tRPC's createContext does. */
export type ContextResolver = (req: Request, res: Response) => Promise<Context>;

export type SignedIn = Context & { user: PublicUser; tenant: Tenant };

/** The caller with a session or API token; otherwise the refusal (401, or the token's 401/429) is sent and null returned. */
export async function requireTenant(req: Request, res: Response, contextFor: ContextResolver): Promise<SignedIn | null> {
  const ctx = await contextFor(req, res);
  const { user, tenant } = ctx;
  if (user && tenant) return { ...ctx, user, tenant };
  sendError(res, ctx.refusal ?? unauthorized());
  return null;
}

/** As requireTenant, and the caller must be an admin: otherwise 403 with this sentence. */
export async function requireAdmin(req: Request, res: Response, contextFor: ContextResolver, message: string): Promise<SignedIn | null> {
  const caller = await requireTenant(req, res, contextFor);
  if (!caller || caller.user.role === 'admin') return caller;
  sendError(res, forbidden(message));
  return null;
}
