import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import bcrypt from 'bcrypt';

/**
 * bcrypt hashes and compares run in worker threads of their own, one per core the machine
 * offers, each lowered to nice 19. A login may then use every core that requests and
 * PostgreSQL leave idle, and gives a core back to them as soon as they need it: requests keep
 * their latency under a burst of logins and logins still use the spare cores. The workers run
 * bcrypt's synchronous calls; its asynchronous ones would hash on libuv's thread pool, shared
 * with the rest of the process at normal priority. Every hash of this package goes through here.
 */
export const HASHING_THREADS = os.availableParallelism();

/** What a worker is asked to do; `priority` answers the worker thread's own nice value. */
type Job = { op: 'hash'; data: string; rounds: number } | { op: 'compare'; data: string; encrypted: string } | { op: 'priority' };
type Reply = { result: string | boolean | number } | { error: string };

/**
 * The worker, as CommonJS evaluated in the thread: no entry file of its own, so it runs the
 * same from the TypeScript sources and from the server's bundle. bcrypt comes by the absolute
 * path this module resolves. A failed setPriority (a system without it) leaves the thread at
 * the process's priority.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const os = require('node:os');
const bcrypt = require(workerData.bcrypt);
try {
  os.setPriority(19);
} catch {}
parentPort.on('message', (job) => {
  try {
    const result =
      job.op === 'hash' ? bcrypt.hashSync(job.data, job.rounds) : job.op === 'compare' ? bcrypt.compareSync(job.data, job.encrypted) : os.getPriority();
    parentPort.postMessage({ result });
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
`;

interface Pending {
  job: Job;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

const bcryptPath = createRequire(import.meta.url).resolve('bcrypt');
const queue: Pending[] = [];
const idle: Worker[] = [];
/** Every live worker and the job it runs (null while idle). */
const running = new Map<Worker, Pending | null>();

/** Drops a worker that failed or ended, failing its job; the next job starts a new one. */
function retire(worker: Worker, error: Error): void {
  if (!running.has(worker)) return;
  const pending = running.get(worker);
  running.delete(worker);
  const index = idle.indexOf(worker);
  if (index >= 0) idle.splice(index, 1);
  void worker.terminate();
  pending?.reject(error);
  dispatch();
}

function startWorker(): Worker {
  const worker = new Worker(workerSource, { eval: true, workerData: { bcrypt: bcryptPath }, execArgv: [] });
  running.set(worker, null);
  worker.on('message', (reply: Reply) => {
    const pending = running.get(worker);
    if (!pending) return;
    running.set(worker, null);
    worker.unref();
    idle.push(worker);
    if ('error' in reply) pending.reject(new Error(reply.error));
    else pending.resolve(reply.result);
    dispatch();
  });
  worker.on('error', (error) => retire(worker, new Error(`The password hashing thread failed: ${error.message}`)));
  worker.on('exit', (code) => retire(worker, new Error(`The password hashing thread stopped (exit code ${code}).`)));
  return worker;
}

/** Hands queued jobs, oldest first, to idle workers, starting workers up to HASHING_THREADS. */
function dispatch(): void {
  while (queue.length > 0) {
    const worker = idle.pop() ?? (running.size < HASHING_THREADS ? startWorker() : undefined);
    if (!worker) return;
    const pending = queue.shift() as Pending;
    running.set(worker, pending);
    worker.ref();
    worker.postMessage(pending.job);
  }
}

function run<T>(job: Job): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queue.push({ job, resolve: resolve as (result: unknown) => void, reject });
    dispatch();
  });
}

export const passwordHasher = {
  hash: (data: string, rounds: number): Promise<string> => run({ op: 'hash', data, rounds }),
  compare: (data: string, encrypted: string): Promise<boolean> => run({ op: 'compare', data, encrypted }),
  /** The cost a hash was made with (read from the hash, no hashing: stays in this thread). */
  rounds: (encrypted: string): number => bcrypt.getRounds(encrypted),
  /** The nice value of the hashing thread that takes this request (for tests of the lowering). */
  threadPriority: (): Promise<number> => run({ op: 'priority' }),
};
