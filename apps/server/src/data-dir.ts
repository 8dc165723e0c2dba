import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StartupError, type StartupLog } from './startup.js';

/**
 * Files and folders this process creates are its user's alone (mode 0600/0700): the embedded
 * database holds session ids and password hashes. Called first thing by every entry point.
 */
export function keepFilesPrivate(): void {
  process.umask(0o077);
}

/**
 * Creates the data folder with mode 0700, or takes group and other access away from an
 * existing folder and everything in it. Returns how many entries it changed, and whether a
 * folder was open to others (files with loose modes inside a private folder expose nothing:
 * PGlite writes its initial files 0666 whatever the umask, so they are tightened after it opens).
 */
export function makePrivate(dir: string): { changed: number; exposed: boolean } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let changed = 0;
  let exposed = false;
  const visit = (entry: string): void => {
    const stat = fs.lstatSync(entry);
    if (stat.isSymbolicLink()) return;
    if (stat.mode & 0o077) {
      fs.chmodSync(entry, stat.mode & 0o700);
      changed += 1;
      if (stat.isDirectory()) exposed = true;
    }
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(dir);
  return { changed, exposed };
}

export const LOCK_FILE = 'pulse.lock';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

export interface DataDirLock {
  release(): void;
}

function readOwner(file: string): LockOwner | null {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, host: String(owner.host), startedAt: String(owner.startedAt) } : null;
  } catch {
    return null;
  }
}

/** Whether a process with this id runs on this machine (EPERM: it runs as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The other process's command line where the system shows it (Linux), for the message. */
function commandOf(pid: number): string {
  try {
    const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return command ? `: ${command.length > 160 ? `${command.slice(0, 157)}...` : command}` : '';
  } catch {
    return '';
  }
}

/**
 * Holds the embedded database folder for this process alone: PGlite has no multi-process
 * locking, and two servers on one folder corrupt it. The lock file names the holder's pid;
 * a lock left by a process that no longer runs (or by an earlier process with this very pid,
 * as after a container restart) is taken over. The file is written whole beside the lock
 * and linked into place, so a reader never sees half a lock.
 */
export function lockDataDir(dir: string): DataDirLock & { tookOverFrom: number | null } {
  const file = path.join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  const draft = `${file}.${process.pid}`;
  fs.writeFileSync(draft, JSON.stringify(me), { mode: 0o600 });
  let tookOverFrom: number | null = null;
  try {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        fs.linkSync(draft, file);
        const release = (): void => {
          process.off('exit', release);
          if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        };
        process.on('exit', release);
        return { release, tookOverFrom };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readOwner(file);
      if (owner && owner.pid !== process.pid && isRunning(owner.pid)) {
        throw new StartupError(
          `The embedded database in ${dir} is in use by another process (pid ${owner.pid}${commandOf(owner.pid)}; ` +
            `started ${owner.startedAt} on ${owner.host}). Two servers on one data folder corrupt it: stop that process ` +
            `first (if it is not Pulse, delete ${file}), or give this one its own PULSE_DATA_DIR.`,
        );
      }
      tookOverFrom = owner?.pid ?? null;
      fs.rmSync(file, { force: true });
    }
    throw new StartupError(`Another process keeps taking the lock on ${dir} (${LOCK_FILE}); try again.`);
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/**
 * Prepares the data folder before the database opens: private permissions (fixing an
 * existing folder, with a log line), and, for the embedded database, the exclusive lock.
 */
export function openDataDir(dir: string, embedded: boolean, log: StartupLog): DataDirLock {
  if (!embedded && !fs.existsSync(dir)) return { release: () => undefined };
  const { changed, exposed } = makePrivate(dir);
  if (exposed) log.warn(`The data folder ${dir} was readable by other users: made ${changed} files and folders private (owner only).`);
  if (!embedded) return { release: () => undefined };
  const lock = lockDataDir(dir);
  if (lock.tookOverFrom !== null) log.step(`Took over the lock on ${dir} left by process ${lock.tookOverFrom}, which no longer runs.`);
  return lock;
}
