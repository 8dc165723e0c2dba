import { describe, expect, it } from 'vitest';
import { concurrencyLimit } from '../src/limit.js';

function deferred() {
  let resolve!: (value: string) => void;
  const promise = new Promise<string>((done) => (resolve = done));
  return { promise, resolve };
}

describe('concurrencyLimit', () => {
  it('runs at most `max` tasks at once, the others in order as slots free up', async () => {
    const run = concurrencyLimit(2);
    const tasks = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = tasks.map((task, i) =>
      run(() => {
        started.push(i);
        return task.promise;
      }),
    );
    expect(started).toEqual([0, 1]);
    tasks[1]?.resolve('b');
    await results[1];
    expect(started).toEqual([0, 1, 2]);
    tasks[0]?.resolve('a');
    tasks[2]?.resolve('c');
    tasks[3]?.resolve('d');
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('skips a waiting task whose signal was aborted, and frees its slot', async () => {
    const run = concurrencyLimit(1);
    const first = deferred();
    const started: string[] = [];
    const a = run(() => (started.push('a'), first.promise));
    const controller = new AbortController();
    const b = run(() => (started.push('b'), Promise.resolve('b')), controller.signal);
    const c = run(() => (started.push('c'), Promise.resolve('c')));
    controller.abort(new Error('row scrolled away'));
    first.resolve('a');
    await expect(b).rejects.toThrow('row scrolled away');
    expect(await Promise.all([a, c])).toEqual(['a', 'c']);
    expect(started).toEqual(['a', 'c']);
  });
});
