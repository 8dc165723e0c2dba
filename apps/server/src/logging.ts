import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import pino, { type Logger } from 'pino';

/**
 * Without a destination the log goes to stdout asynchronously (sonic-boom, sync: false): a
 * line is handed to the OS in the background, and lines logged while a write is in flight
 * go out together in the next one, instead of one blocking write per request (measured in
 * the request ladder, docs/PERFORMANCE.md). pino flushes what is pending when the process exits.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'pulse' },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'password', '*.password'], remove: true },
  };
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

export interface RequestLogFields {
  requestId: string;
  tenantId?: string;
  userId?: string;
}

/**
 * One structured line per request: id, method, route or procedure, status, duration,
 * and the tenant and user once the session resolved them. Never bodies, cookies or files.
 */
export function requestLogger(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const fields: RequestLogFields = { requestId: randomUUID() };
    res.locals.log = fields;
    res.set('X-Request-Id', fields.requestId);
    res.on('finish', () => {
      const path = req.originalUrl.split('?')[0] ?? '';
      const procedure = path.startsWith('/api/trpc/') ? path.slice('/api/trpc/'.length) : undefined;
      logger.info(
        {
          ...fields,
          method: req.method,
          path: procedure ? '/api/trpc' : path,
          procedure,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}
