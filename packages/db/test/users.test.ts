import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../src/connection.js';
import { createTestDatabase } from '../src/testing.js';
import { HASHING_THREADS, passwordHasher } from '../src/password-hasher.js';
import { createUser, verifyCredentials } from '../src/repos/users.js';

let handle: DatabaseHandle;
let tenantId: string;
beforeAll(async () => {
  handle = await createTestDatabase();
  const t = await handle.db.insertInto('tenants').values({ name: 'Acme' }).returning('tenants.id').executeTakeFirstOrThrow();
  tenantId = t.id;
  await createUser(handle.db, { tenantId, email: 'Ada@Acme.test', name: 'Ada', role: 'admin', password: 'right password' }, 4);
});
afterAll(async () => {
  await handle.close();
});

describe('credentials', () => {
  it(`answers 3 × ${HASHING_THREADS} (hashing threads) concurrent logins, right and wrong passwords alike`, async () => {
    const attempts = Array.from({ length: 3 * HASHING_THREADS }, (_, i) => (i % 2 ? 'right password' : 'wrong password'));
    const users = await Promise.all(attempts.map((password) => verifyCredentials(handle.db, 'ada@acme.test', password, 4)));
    expect(users.map((u) => u?.email ?? null)).toEqual(attempts.map((_, i) => (i % 2 ? 'ada@acme.test' : null)));
  });

  it('equal hashing work: unknown email, wrong password and long password each cost one bcrypt comparison', async () => {
    const compare = vi.spyOn(passwordHasher, 'compare');
    try {
      for (const [email, password] of [
        ['nobody@acme.test', 'whatever pw'],
        ['ada@acme.test', 'wrong password'],
        ['ada@acme.test', 'x'.repeat(100)],
      ] as const) {
        compare.mockClear();
        expect(await verifyCredentials(handle.db, email, password, 4)).toBeNull();
        expect(compare).toHaveBeenCalledTimes(1);
      }
    } finally {
      compare.mockRestore();
    }
  });

  it('never returns the password hash', async () => {
    const user = await verifyCredentials(handle.db, ' ADA@acme.test ', 'right password', 4);
    expect(user).not.toBeNull();
    expect(JSON.stringify(user)).not.toMatch(/\$2[aby]\$/);
    expect(Object.keys(user ?? {})).not.toContain('passwordHash');
  });

  it('upgrades a hash made with a lower cost at the next successful login', async () => {
    const before = await handle.db.selectFrom('users').select('users.password_hash').executeTakeFirstOrThrow();
    expect(passwordHasher.rounds(before.password_hash)).toBe(4);
    expect(await verifyCredentials(handle.db, 'ada@acme.test', 'right password', 5)).not.toBeNull();
    const after = await handle.db.selectFrom('users').select('users.password_hash').executeTakeFirstOrThrow();
    expect(passwordHasher.rounds(after.password_hash)).toBe(5);
    expect(await verifyCredentials(handle.db, 'ada@acme.test', 'right password', 5)).not.toBeNull();
  });

  it('refuses passwords under 8 characters or over 72 UTF-8 bytes when creating users', async () => {
    const create = (password: string) => createUser(handle.db, { tenantId, email: 'b@acme.test', name: 'B', role: 'member', password }, 4);
    await expect(create('short')).rejects.toThrow(/at least 8 characters/);
    // 'é' is two bytes: 4 characters are 8 bytes, still under the minimum of 8 characters.
    await expect(create('é'.repeat(4))).rejects.toThrow(/at least 8 characters/);
    // 37 × 'ü' (2 bytes each) = 74 bytes > 72, although only 37 characters.
    await expect(create('ü'.repeat(37))).rejects.toThrow(/at most 72 characters, fewer with accented letters/);
  });
});
