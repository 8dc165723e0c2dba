import { Option, type Command } from 'commander';
import { Session, type PulseClient } from '../connection.js';
import { CliError } from '../errors.js';
import { cell, score } from '../format.js';
import { accountStatuses, tiers } from '@pulse/api/vocabulary';

type ListInput = NonNullable<Parameters<PulseClient['accounts']['list']['query']>[0]>;
export type AccountItem = Awaited<ReturnType<PulseClient['accounts']['list']['query']>>['items'][number];

const PAGE_SIZE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every page of accounts.list, one page at a time. */
export async function* allAccounts(session: Session, filters: Omit<ListInput, 'limit' | 'cursor'>): AsyncGenerator<AccountItem> {
  let cursor: string | null = null;
  do {
    const page = await session.call(() => session.client.accounts.list.query({ ...filters, limit: PAGE_SIZE, cursor }));
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

const nameKey = (name: string) => name.trim().toLowerCase();

/** An account by id, or by name: the exact name (any case), else the only one whose name contains it. */
export async function resolveAccount(session: Session, nameOrId: string): Promise<{ id: string; name: string }> {
  if (UUID.test(nameOrId.trim())) {
    const account = await session.call(() => session.client.accounts.byId.query({ id: nameOrId.trim() }));
    return { id: account.id, name: account.name };
  }
  const wanted = nameKey(nameOrId);
  if (wanted === '') throw new CliError('Give the account name.');
  const matches: AccountItem[] = [];
  for await (const account of allAccounts(session, { search: nameOrId.trim(), includeArchived: true, sort: 'name' })) {
    if (nameKey(account.name) === wanted) return { id: account.id, name: account.name };
    matches.push(account);
  }
  const [only] = matches;
  if (matches.length === 1 && only) return { id: only.id, name: only.name };
  if (matches.length === 0) throw new CliError(`No account matches "${nameOrId}". List them with: pulse accounts list`);
  const shown = matches.slice(0, 10).map((a) => `  ${a.name}`);
  if (matches.length > 10) shown.push(`  … and ${matches.length - 10} more`);
  throw new CliError(`"${nameOrId}" matches ${matches.length} accounts; give the full name:\n${shown.join('\n')}`);
}

interface ListOptions {
  tier?: string;
  health?: ListInput['healthTier'];
  status?: ListInput['status'];
  search?: string;
  sort?: 'name' | 'health' | 'updated';
  desc?: boolean;
  archived?: boolean;
  json?: boolean;
}

const COLUMNS: [string, number][] = [
  ['NAME', 32],
  ['TIER', 12],
  ['STATUS', 11],
  ['HEALTH', 7],
  ['HEALTH TIER', 12],
  ['PERIOD', 8],
];

function row(cells: string[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(COLUMNS[i]?.[1] ?? 0)))
    .join('  ')
    .trimEnd();
}

async function list(opts: ListOptions): Promise<void> {
  const session = Session.open();
  const filters = {
    tier: opts.tier ?? null,
    healthTier: opts.health ?? null,
    status: opts.status ?? null,
    search: opts.search ?? null,
    sort: opts.sort ?? 'name',
    order: opts.desc ? ('desc' as const) : ('asc' as const),
    includeArchived: opts.archived === true,
  };
  // Rows are printed as each page arrives: a valid JSON array with --json, a table otherwise.
  let count = 0;
  for await (const account of allAccounts(session, filters)) {
    if (opts.json) {
      process.stdout.write(`${count === 0 ? '[\n' : ',\n'}${JSON.stringify(account)}`);
    } else {
      if (count === 0) console.log(row(COLUMNS.map(([h]) => h)));
      console.log(row([account.name, cell(account.tier), account.status, score(account.health.overall), account.health.tier, cell(account.health.period)]));
    }
    count++;
  }
  if (opts.json) process.stdout.write(count === 0 ? '[]\n' : '\n]\n');
  else if (count === 0) console.log('No accounts match.');
  else console.error(`${count} account${count === 1 ? '' : 's'}.`);
}

export function registerAccounts(program: Command): void {
  const accounts = program.command('accounts').description('list the accounts of your organisation');

  accounts
    .command('list')
    .description('list every account (all pages), optionally filtered')
    .option('--tier <tier>', 'only accounts of this account tier (e.g. Enterprise)')
    .addOption(new Option('--health <tier>', 'only accounts whose health is in this tier').choices(tiers))
    .addOption(new Option('--status <status>', 'only accounts with this status').choices(accountStatuses))
    .option('--search <text>', 'only accounts whose name contains this text')
    .addOption(new Option('--sort <key>', 'sort order').choices(['name', 'health', 'updated']).default('name'))
    .option('--desc', 'sort descending')
    .option('--archived', 'include archived accounts')
    .option('--json', 'print a JSON array (streamed page by page)')
    .action(list);
}
