import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HASHING_THREADS, passwordHasher } from '../src/password-hasher.js';

// Cost 4 (the lowest bcrypt takes) keeps each hash to a millisecond or so.
const COST = 4;

describe('the password hashing threads', () => {
  it('hash a password, and compare it: true for the password, false for another', async () => {
    const hash = await passwordHasher.hash('right password', COST);
    expect(hash).toMatch(/^\$2b\$04\$/);
    expect(passwordHasher.rounds(hash)).toBe(COST);
    expect(await passwordHasher.compare('right password', hash)).toBe(true);
    expect(await passwordHasher.compare('wrong password', hash)).toBe(false);
  });

  it(`answer every one of 3 × ${HASHING_THREADS} (threads) concurrent compares, each for its own password`, async () => {
    const hash = await passwordHasher.hash('right password', COST);
    const attempts = Array.from({ length: 3 * HASHING_THREADS }, (_, i) => (i % 2 ? 'right password' : `wrong password ${i}`));
    const answers = await Promise.all(attempts.map((password) => passwordHasher.compare(password, hash)));
    expect(answers).toEqual(attempts.map((_, i) => i % 2 === 1));
  });

  it("rejects a job bcrypt refuses with bcrypt's error, and the next job is answered", async () => {
    // bcrypt's cost is at most 31.
    await expect(passwordHasher.hash('right password', 40)).rejects.toThrow(/Invalid salt/);
    expect(await passwordHasher.compare('right password', await passwordHasher.hash('right password', COST))).toBe(true);
  });

  // Under `nice -n 19` the whole process is at 19 already and the lowering cannot be seen.
  it.skipIf(process.platform !== 'linux' || os.getPriority() === 19)('hash at nice 19, while the thread that asks keeps its own priority', async () => {
    const before = os.getPriority();
    await Promise.all(Array.from({ length: HASHING_THREADS }, () => passwordHasher.hash('right password', COST)));
    expect(await passwordHasher.threadPriority()).toBe(19);
    expect(os.getPriority()).toBe(before);
  });

  it('do not keep a process alive once idle', { timeout: 120_000 }, async () => {
    const script = `import { passwordHasher } from ${JSON.stringify(new URL('../src/password-hasher.ts', import.meta.url).href)};
const hash = await passwordHasher.hash('right password', ${COST});
console.log(JSON.stringify(await passwordHasher.compare('right password', hash)));`;
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '--eval', script], {
      env: { ...process.env, NODE_OPTIONS: '' },
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    let answeredAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      answeredAt ||= Date.now();
    });
    // A pool that kept the process alive would never let it exit: stop it after a minute.
    const stop = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(stop);
    expect(output).toBe('true\n');
    expect(code).toBe(0);
    expect(Date.now() - answeredAt).toBeLessThan(5_000);
  });
});
