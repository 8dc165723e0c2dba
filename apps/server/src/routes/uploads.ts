import { Router, type Response } from 'express';
import { TRPCError } from '@trpc/server';
import { CSV_TOO_LARGE, MAX_CSV_UPLOAD_BYTES, MAX_UPLOAD_BYTES, payloadTooLarge, uploadFromStream, WORKBOOK_TOO_LARGE, type UploadProgress } from '@pulse/api';
import { errorShape, sendError, type ContextResolver, type ErrorShape } from '../refusals.js';

/** One line of the answer to POST /api/uploads/stream (NDJSON). */
export type StreamLine = { progress: UploadProgress } | { result: Awaited<ReturnType<typeof uploadFromStream>> } | ErrorShape;

const FAILED = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'The upload failed on the server; nothing was stored. Try again.' });

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
 * slot free) is an HTTP status with tRPC's error shape (sendError); a failure after it is a
 * line in that shape, {"error":{message,code,data:{code,httpStatus}}}.
 */
export function uploadStreamRouter({ contextFor }: { contextFor: ContextResolver }): Router {
  const router = Router();
  router.post('/api/uploads/stream', async (req, res, next) => {
    try {
      const declared = Number(req.get('content-length') ?? 0);
      const csv = (typeof req.query.filename === 'string' ? req.query.filename : '').trim().toLowerCase().endsWith('.csv');
      if (declared > (csv ? MAX_CSV_UPLOAD_BYTES : MAX_UPLOAD_BYTES)) {
        res.set('Connection', 'close');
        sendError(res, payloadTooLarge(csv ? CSV_TOO_LARGE : WORKBOOK_TOO_LARGE));
        return;
      }
      const ctx = await contextFor(req, res);
      const result = await uploadFromStream(ctx, req.query, req.get('content-type') ?? '', req, (progress) => line(res, { progress }));
      line(res, { result });
      res.end();
    } catch (error) {
      if (!(error instanceof TRPCError)) {
        if (!res.headersSent) return next(error);
        line(res, errorShape(FAILED));
        res.end();
        return;
      }
      if (res.headersSent) {
        line(res, errorShape(error));
        res.end();
        return;
      }
      if (error.code === 'TOO_MANY_REQUESTS' || error.code === 'BAD_REQUEST') res.set('Connection', 'close');
      sendError(res, error);
    }
  });
  return router;
}
