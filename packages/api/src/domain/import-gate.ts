import { tooManyRequests } from '../errors.js';
/** How many imports may run at once, and how long an extra one waits for its turn. */
export interface ImportLimits {
  perProcess: number;
  perTenant: number;
  waitMs: number;
}

/**
 * Two at once per server process (workbooks are parsed in worker threads, and a small server
 * has two cores), one per tenant, so one organisation cannot hold both; an extra import waits
 * up to 10 seconds for its turn.
 */
export const IMPORT_LIMITS: ImportLimits = { perProcess: 2, perTenant: 1, waitMs: 10_000 };

interface Waiter {
  tenantId: string;
  grant: (release: () => void) => void;
}

/**
 * Caps concurrent imports per process and per tenant. acquire() resolves to a release
 * function as soon as a slot is free (waiters are served in arrival order, skipping those
 * whose tenant is still at its limit), or to null when none came free within waitMs.
 */
export class ImportGate {
  private running = 0;
  private readonly byTenant = new Map<string, number>();
  private readonly waiting: Waiter[] = [];

  constructor(readonly limits: ImportLimits = IMPORT_LIMITS) {}

  /** The Retry-After (seconds) to send with a refusal: one full wait. */
  get retryAfterSeconds(): number {
    return Math.ceil(this.limits.waitMs / 1000);
  }

  acquire(tenantId: string): Promise<(() => void) | null> {
    if (this.waiting.length === 0 && this.hasRoom(tenantId)) return Promise.resolve(this.take(tenantId));
    return new Promise((resolve) => {
      const waiter: Waiter = {
        tenantId,
        grant: (release) => {
          clearTimeout(timer);
          resolve(release);
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(null);
      }, this.limits.waitMs);
      this.waiting.push(waiter);
    });
  }

  private hasRoom(tenantId: string): boolean {
    return this.running < this.limits.perProcess && (this.byTenant.get(tenantId) ?? 0) < this.limits.perTenant;
  }

  private take(tenantId: string): () => void {
    this.running += 1;
    this.byTenant.set(tenantId, (this.byTenant.get(tenantId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      const left = (this.byTenant.get(tenantId) ?? 1) - 1;
      if (left === 0) this.byTenant.delete(tenantId);
      else this.byTenant.set(tenantId, left);
      this.admit();
    };
  }

  private admit(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.limits.perProcess;) {
      const waiter = this.waiting[i] as Waiter;
      if (!this.hasRoom(waiter.tenantId)) {
        i += 1;
        continue;
      }
      this.waiting.splice(i, 1);
      waiter.grant(this.take(waiter.tenantId));
    }
  }
}

/** The gate every upload and profile import of this process goes through. */
export const importGate = new ImportGate();

/**
 * Runs an import once the process and the tenant have a free import slot (importGate); when
 * none comes free in time, TOO_MANY_REQUESTS with Retry-After.
 */
export async function withImportSlot<T>(tenantId: string, setHeader: (name: string, value: string) => void, run: () => Promise<T>): Promise<T> {
  const release = await importGate.acquire(tenantId);
  if (!release) {
    setHeader('Retry-After', String(importGate.retryAfterSeconds));
    throw tooManyRequests(`Pulse is busy importing other files. Try again in ${importGate.retryAfterSeconds} seconds.`);
  }
  try {
    return await run();
  } finally {
    release();
  }
}
