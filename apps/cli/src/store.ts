import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SavedCookies } from './cookies.js';
import { CliError } from './errors.js';

/** What `pulse login` keeps between runs: where the server is, who signed in, and the session cookie. */
export interface StoredSession {
  url: string;
  email: string;
  /** The server's cookies with their Path, Secure flag and expiry. Empty once the session has ended. */
  cookies: SavedCookies;
  savedAt: string;
}

/** $PULSE_CONFIG_DIR, else $XDG_CONFIG_HOME/pulse, else ~/.config/pulse. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PULSE_CONFIG_DIR) return path.resolve(env.PULSE_CONFIG_DIR);
  const base = env.XDG_CONFIG_HOME ? path.resolve(env.XDG_CONFIG_HOME) : path.join(os.homedir(), '.config');
  return path.join(base, 'pulse');
}

export function sessionFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'session.json');
}

function isStoredSession(value: unknown): value is StoredSession {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.url === 'string' &&
    typeof v.email === 'string' &&
    !!v.cookies &&
    typeof v.cookies === 'object' &&
    (Array.isArray(v.cookies)
      ? v.cookies.every((c) => !!c && typeof c === 'object' && typeof (c as Record<string, unknown>).key === 'string')
      : Object.values(v.cookies).every((c) => typeof c === 'string'))
  );
}

/** The saved session, or null when there is none. */
export function readSession(file: string): StoredSession | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`Cannot read the session file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!isStoredSession(parsed)) throw new CliError(`The session file ${file} is damaged: run pulse login`);
  return parsed;
}

/**
 * Writes the session file readable by its owner alone (0600, in a 0700 folder). The new
 * content goes to a temporary file created with those permissions, then replaces the old
 * file, so the cookie is never readable by others, not even for a moment.
 */
export function writeSession(file: string, session: StoredSession): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.session.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, `${JSON.stringify(session, null, 2)}\n`);
    fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

export function removeSession(file: string): void {
  fs.rmSync(file, { force: true });
}
