import type { Command } from 'commander';
import { CookieJar, hasCookies } from '../cookies.js';
import { CliError } from '../errors.js';
import { anonymousCall, clientFor, explain, normaliseUrl, Session, SessionExpired } from '../connection.js';
import { promptHidden, readStdin } from '../prompt.js';
import { readSession, removeSession, sessionFile, writeSession, type StoredSession } from '../store.js';

interface LoginOptions {
  url?: string;
  email?: string;
  passwordStdin?: boolean;
  remember?: boolean;
}

function previousSession(file: string): StoredSession | null {
  try {
    return readSession(file);
  } catch {
    return null; // a damaged file is simply replaced
  }
}

async function password(opts: LoginOptions, email: string, url: string): Promise<string> {
  if (opts.passwordStdin) {
    if (process.stdin.isTTY) process.stderr.write('Reading the password from standard input (end with Ctrl-D)…\n');
    return readStdin();
  }
  if (process.env.PULSE_PASSWORD !== undefined) return process.env.PULSE_PASSWORD;
  return promptHidden(`Password for ${email} at ${url}: `);
}

/** Best effort: ends the session this login replaces, so it does not linger on the server. */
async function endQuietly(previous: StoredSession): Promise<void> {
  if (!hasCookies(previous.url, previous.cookies)) return;
  try {
    const jar = new CookieJar(new URL(previous.url).origin, previous.cookies);
    await clientFor(previous.url, jar).auth.logout.mutate(undefined, { signal: AbortSignal.timeout(3000) });
  } catch {
    // unreachable or already ended: nothing to clean up
  }
}

async function login(opts: LoginOptions): Promise<void> {
  const file = sessionFile();
  const previous = previousSession(file);
  const rawUrl = opts.url ?? process.env.PULSE_URL ?? previous?.url;
  if (!rawUrl) throw new CliError('Give the server address: pulse login --url URL --email EMAIL');
  const url = normaliseUrl(rawUrl);
  const email = (opts.email ?? process.env.PULSE_EMAIL ?? (previous?.url === url ? previous.email : undefined))?.trim();
  if (!email) throw new CliError('Give your login: pulse login --url URL --email EMAIL');
  const secret = await password(opts, email, url);
  if (secret === '') throw new CliError('The password is empty.');

  const jar = new CookieJar(new URL(url).origin);
  const client = clientFor(url, jar);
  const status = await anonymousCall(url, () => client.auth.login.mutate({ email, password: secret, rememberMe: opts.remember === true }));
  if (!status.signedIn || jar.size === 0) {
    throw new CliError(`${url} accepted the login but kept no session (no session cookie came back).`);
  }
  if (previous) await endQuietly(previous);
  writeSession(file, { url, email: status.user.email, cookies: jar.toJSON(), savedAt: new Date().toISOString() });
  console.log(`Logged in to ${url} as ${status.user.name} <${status.user.email}> (${status.user.role}) in ${status.tenant.name}.`);
  console.log(`Session saved in ${file}.`);
}

async function logout(): Promise<void> {
  const file = sessionFile();
  const stored = previousSession(file);
  if (!stored) {
    removeSession(file);
    console.log('Not logged in.');
    return;
  }
  if (hasCookies(stored.url, stored.cookies)) {
    const session = new Session(file, stored);
    try {
      await session.client.auth.logout.mutate();
    } catch (error) {
      const explained = explain(error, stored.url, true);
      if (!(explained instanceof SessionExpired)) {
        const reason = explained instanceof Error ? explained.message : String(explained);
        console.error(`Could not end the session on the server (${reason}); removing it here anyway.`);
      }
    }
  }
  removeSession(file);
  console.log(`Logged out of ${stored.url}.`);
}

async function whoami(opts: { json?: boolean }): Promise<void> {
  const session = Session.open();
  const me = await session.call(() => session.client.auth.me.query());
  if (opts.json) {
    console.log(JSON.stringify({ url: session.url, ...me }, null, 2));
    return;
  }
  console.log(`${me.name} <${me.email}>`);
  console.log(`role:    ${me.role}`);
  console.log(`tenant:  ${me.tenant.name}`);
  console.log(`server:  ${session.url}`);
}

export function registerAuth(program: Command): void {
  program
    .command('login')
    .description('sign in to a Pulse server and keep the session for the other commands')
    .option('--url <url>', 'server address, e.g. https://pulse.example.com (default: $PULSE_URL or the last one used)')
    .option('--email <email>', 'your login (default: $PULSE_EMAIL or the last one used on that server)')
    .option('--password-stdin', 'read the password from standard input instead of asking for it')
    .option('--remember', 'ask for a long session (7 days, 24 hours idle) instead of 8 hours (30 minutes idle)')
    .addHelpText(
      'after',
      `
The password is asked for on the terminal and not shown. Scripts can pipe it in with
--password-stdin or set PULSE_PASSWORD. The session cookie is saved, readable by you
alone (mode 0600), in:
  ${sessionFile()}
(set PULSE_CONFIG_DIR to keep it elsewhere).

Example:
  pulse login --url http://127.0.0.1:3000 --email admin@northwind.example`,
    )
    .action(login);

  program.command('logout').description('end the session on the server and forget it here').action(logout);

  program.command('whoami').description('show who is signed in, in which organisation, on which server').option('--json', 'print JSON').action(whoami);
}
