import type { NextFunction, Request, Response } from 'express';
import { callTRPCProcedure, getErrorShape, getTRPCErrorFromUnknown, transformTRPCResponse, type AnyTRPCProcedure, type TRPCError } from '@trpc/server';
import type { AppRouter, Context } from '@pulse/api';
import { getHTTPStatusCode } from '@trpc/server/http';

export interface QueryHandlerOptions {
  router: AppRouter;
  createContext: (req: Request, res: Response) => Promise<Context>;
  maxBatchSize: number;
  /** Told of every call that failed, with its procedure's path, as tRPC's adapter tells its onError. */
  onError: (event: { error: TRPCError; path: string }) => void;
}

interface PlannedCall {
  path: string;
  input: unknown;
}

interface Plan {
  batch: boolean;
  calls: PlannedCall[];
}

type CallOutcome = { result: { data: unknown } } | { error: ReturnType<typeof getErrorShape> };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The calls of a well-formed GET of queries, read the way tRPC's JSON content handler reads
 * them (path after the last slash, `batch=1`, `input` as JSON keyed by index in a batch), or
 * null for anything else: that request goes on to tRPC's own adapter, which answers it.
 */
function planQueries(req: Request, router: AppRouter, maxBatchSize: number): Plan | null {
  if (req.method !== 'GET') return null;
  if (req.get('trpc-accept') !== undefined || req.get('accept')?.includes('application/jsonl')) return null;
  const contentType = req.get('content-type');
  if (contentType !== undefined && !contentType.startsWith('application/json')) return null;
  const query = req.originalUrl.indexOf('?');
  const search = new URLSearchParams(query < 0 ? '' : req.originalUrl.slice(query + 1));
  try {
    const path = decodeURIComponent(req.path.slice(req.path.lastIndexOf('/') + 1));
    const batch = search.get('batch') === '1';
    const paths = batch ? path.split(',') : [path];
    if (batch && paths.length > maxBatchSize) return null;
    const text = search.get('input');
    const raw: unknown = text ? JSON.parse(text) : undefined;
    if (batch && raw !== undefined && !isPlainObject(raw)) return null;
    const procedures = router._def.procedures as unknown as Record<string, AnyTRPCProcedure | undefined>;
    if (!paths.every((p) => Object.hasOwn(procedures, p) && procedures[p]?._def.type === 'query')) return null;
    return { batch, calls: paths.map((p, i) => ({ path: p, input: batch ? (raw as Record<string, unknown> | undefined)?.[i] : raw })) };
  } catch {
    return null;
  }
}

/**
 * tRPC's GET queries (single or batched) served without its fetch adaptation: no Request,
 * AbortController or web stream per call, and one write of a body with its length. Only the
 * adaptation differs: the context, every procedure middleware, the error shapes
 * (getErrorShape with the router's errorFormatter), the status codes (getHTTPStatusCode),
 * the headers and onError are tRPC's own. (Pulse's queries return plain JSON data, never the
 * promises or iterables only tRPC's streaming link can carry.) Anything else (mutations,
 * HEAD, streaming accepts, unknown paths, malformed input or batches) is passed on untouched
 * to the standard adapter mounted after this one. apps/server/test/trpc-queries.test.ts
 * compares the two.
 */
export function trpcQueryHandler({ router, createContext, maxBatchSize, onError }: QueryHandlerOptions) {
  const config = router._def._config;
  return (req: Request, res: Response, next: NextFunction): void => {
    const plan = planQueries(req, router, maxBatchSize);
    if (!plan) return next();
    void answer(req, res, plan).catch(next);
  };

  async function answer(req: Request, res: Response, { batch, calls }: Plan): Promise<void> {
    let ctx: Context | undefined;
    let contextError: TRPCError | undefined;
    try {
      ctx = await createContext(req, res);
    } catch (cause) {
      contextError = getTRPCErrorFromUnknown(cause);
    }
    const outcomes = await Promise.all(
      calls.map(async ({ path, input }, batchIndex): Promise<CallOutcome> => {
        try {
          if (contextError) throw contextError;
          const data: unknown = await callTRPCProcedure({
            router,
            path,
            getRawInput: () => Promise.resolve(input),
            ctx,
            type: 'query',
            signal: undefined,
            batchIndex,
          });
          return { result: { data } };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          onError({ error, path });
          return { error: getErrorShape({ config, error, type: 'query', path, input, ctx }) };
        }
      }),
    );
    const json = batch ? outcomes : (outcomes[0] as CallOutcome);
    const body = JSON.stringify(transformTRPCResponse(config, json));
    if (res.statusCode === 200) res.statusCode = getHTTPStatusCode(json);
    res.setHeader('vary', 'trpc-accept, accept');
    res.setHeader('content-type', 'application/json');
    res.end(body);
  }
}
