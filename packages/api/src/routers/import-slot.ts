import type { Tenant } from '../context.js';
import { tooManyRequests } from '../errors.js';
import { importGate } from '../domain/import-gate.js';

/**
 * Runs an import once the process and the tenant have a free import slot (importGate); when
 * none comes free in time, TOO_MANY_REQUESTS with Retry-After.
 */
export async function withImportSlot<T>(
  ctx: { tenant: Tenant; setHeader: (name: string, value: string) => void },
  run: () => Promise<T>,
): Promise<T> {
  const release = await importGate.acquire(ctx.tenant.id);
  if (!release) {
    ctx.setHeader('Retry-After', String(importGate.retryAfterSeconds));
    throw tooManyRequests(`Pulse is busy importing other files. Try again in ${importGate.retryAfterSeconds} seconds.`);
  }
  try {
    return await run();
  } finally {
    release();
  }
}
