import { describe, expect, it } from 'vitest';
import { ImportGate } from '../src/domain/import-gate.js';

const A = 'tenant-a';
const B = 'tenant-b';
const C = 'tenant-c';

describe('ImportGate', () => {
  it('lets one import per tenant and two per process run, and serves waiters in order as slots free up', async () => {
    const gate = new ImportGate({ perProcess: 2, perTenant: 1, waitMs: 60_000 });
    const a1 = await gate.acquire(A);
    const b1 = await gate.acquire(B);
    expect(a1).toBeTypeOf('function');
    expect(b1).toBeTypeOf('function');
    const order: string[] = [];
    const a2 = gate.acquire(A).then((release) => (order.push('a2'), release));
    const c1 = gate.acquire(C).then((release) => (order.push('c1'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    // B's slot frees: A is still at its limit of 1, so C (which came later) goes first.
    b1?.();
    expect(await c1).toBeTypeOf('function');
    expect(order).toEqual(['c1']);
    a1?.();
    expect(await a2).toBeTypeOf('function');
    expect(order).toEqual(['c1', 'a2']);
  });

  it('answers null when no slot frees within the wait, and a release counts once', async () => {
    const gate = new ImportGate({ perProcess: 1, perTenant: 1, waitMs: 50 });
    const release = await gate.acquire(A);
    expect(await gate.acquire(B)).toBeNull();
    expect(gate.retryAfterSeconds).toBe(1); // ceil(50 ms / 1000)
    release?.();
    release?.();
    const again = await gate.acquire(B);
    expect(again).toBeTypeOf('function');
    expect(await gate.acquire(A)).toBeNull();
  });
});
