import { Router, type Response } from 'express';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPCError } from '@trpc/server';
import { CSV_TOO_LARGE, FieldErrors, MAX_CSV_UPLOAD_BYTES, MAX_UPLOAD_BYTES, uploadFromStream, WORKBOOK_TOO_LARGE, type UploadProgress } from '@pulse/api';
import type { ContextResolver } from '../refusals.js';

/** One line of the answer to POST /api/uploads/stream (NDJSON). */
export type StreamLine = { progress: UploadProgress } | { result: Awaited<ReturnType<typeof uploadFromStream>> } | { error: string };

function line(res: Response, value: StreamLine): void {
  if (!res.headersSent) res.status(200).set('Content-Type', 'application/x-ndjson').set('X-Accel-Buffering', 'no');
  res.write(`${JSON.stringify(value)}\n`);
}

/**
 * POST /api/uploads/stream?filename=readings.csv[&createAccounts=false&period=…&accountName=…]
 * with the file's bytes as the body: a CSV file up to MAX_CSV_UPLOAD_BYTES is read and stored
 * as it arrives, a workbook up to MAX_UPLOAD_BYTES as by uploads.create. The answer is NDJSON:
 * a {"progress":{bytes,rowsParsed,rowsStored}} line after each batch of rows, then one
 * {"result":{uploadId,report}} line (the report of uploads.create). A refusal before any line
 * (not signed in, a read-only token, bad fields, a body declared over the limit, no import
 * slot free) is an HTTP status with {"error": sentence}; a failure after it is an {"error"} line.
 */
export function uploadStreamRouter({ contextFor }: { contextFor: ContextResolver }): Router {
  const router = Router();
  router.post('/api/uploads/stream', async (req, res, next) => {
    try {
      const declared = Number(req.get('content-length') ?? 0);
      const csv = (typeof req.query.filename === 'string' ? req.query.filename : '').trim().toLowerCase().endsWith('.csv');
      if (declared > (csv ? MAX_CSV_UPLOAD_BYTES : MAX_UPLOAD_BYTES)) {
        res
          .set('Connection', 'close')
          .status(413)
          .json({ error: csv ? CSV_TOO_LARGE : WORKBOOK_TOO_LARGE });
        return;
      }
      const ctx = await contextFor(req, res);
      const result = await uploadFromStream(ctx, req.query, req.get('content-type') ?? '', req, (progress) => line(res, { progress }));
      line(res, { result });
      res.end();
    } catch (error) {
      if (!(error instanceof TRPCError)) {
        if (!res.headersSent) return next(error);
        line(res, { error: 'The upload failed on the server; nothing was stored. Try again.' });
        res.end();
        return;
      }
      if (res.headersSent) {
        line(res, { error: error.message });
        res.end();
        return;
      }
      if (error.code === 'TOO_MANY_REQUESTS' || error.code === 'BAD_REQUEST') res.set('Connection', 'close');
      res.status(getHTTPStatusCodeFromError(error)).json({ error: error.message, ...fieldErrors(error) });
    }
  });
  return router;
}

/** The per-field sentences of a BAD_REQUEST. */
function fieldErrors(error: TRPCError): { fieldErrors?: Record<string, string[]> } {
  return error.cause instanceof FieldErrors ? { fieldErrors: error.cause.fieldErrors } : {};
}
