import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import pino, { type Logger } from 'pino';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'pulse' },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'password', '*.password'], remove: true },
  };
  return destination ? pino(options, destination) : pino(options);
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
