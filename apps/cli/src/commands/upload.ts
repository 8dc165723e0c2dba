import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { Readable } from 'node:stream';
import { maxUploadBytes, streamUpload, type UploadResult } from '@pulse/client';
import { Session, userPath, type PulseClient } from '../connection.js';
import { CliError, EXIT } from '../errors.js';
import { plural, table } from '../format.js';
import { formatBytes, ProgressBar, withUploadProgress } from '../progress.js';

type ProfileResult = Awaited<ReturnType<PulseClient['accounts']['importProfiles']['mutate']>>;
type UploadReport = UploadResult['report'];

const CONTENT_TYPES: Record<string, string> = {
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv',
};

export function parsePeriod(value: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('Use the form YYYY-MM, e.g. 2026-01.');
  return value;
}

function readable(file: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CliError(`File not found: ${file}`);
  if (code === 'EACCES' || code === 'EPERM') return new CliError(`Cannot read ${file}: permission denied.`);
  if (code === 'EISDIR') return new CliError(`${file} is a folder, not a file.`);
  return new CliError(`Cannot read ${file}: ${(error as Error).message}`);
}

/**
 * Checks the file to upload (there, a regular file, not empty, within the most Pulse takes
 * for its kind: more for CSV than for a workbook), with a clear message for each way that can fail.
 */
function checkUploadFile(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw readable(file, error);
  }
  if (stat.isDirectory()) throw new CliError(`${file} is a folder, not a file.`);
  if (!stat.isFile()) throw new CliError(`${file} is not a regular file.`);
  if (stat.size === 0) throw new CliError(`${file} is empty.`);
  // Checked here too, so a file that is too large is not sent for nothing.
  const max = maxUploadBytes(path.basename(file));
  if (stat.size > max) throw new CliError(`${file} is ${formatBytes(stat.size)}; Pulse takes at most ${formatBytes(max)} in one upload of this kind.`);
  return stat.size;
}

/** Reads the file to upload (see checkUploadFile). */
export function readUploadFile(file: string): Buffer {
  checkUploadFile(file);
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw readable(file, error);
  }
}

function location(p: { sheet: string | null; row: number | null; column: string | null }): [string, string, string] {
  return [p.sheet ?? '-', p.row === null ? '-' : String(p.row), p.column ?? '-'];
}

function printProblems(problems: UploadReport['problems'], filename: string): void {
  console.log(`Rejected ${filename}: ${plural(problems.length, 'problem')}. Nothing was imported.`);
  console.log('');
  console.log(
    table(
      ['SHEET', 'ROW', 'COLUMN', 'PROBLEM'],
      problems.map((p) => [...location(p), p.message]),
    ),
  );
}

export function printReport(report: UploadReport, filename: string): void {
  if (report.status === 'rejected') {
    printProblems(report.problems, filename);
    if (report.customerProfiles) console.log(`\nThis is a customer-profile workbook: import it with  pulse import-profiles ${filename}`);
    return;
  }
  const c = report.counts;
  console.log(`Accepted ${filename}${report.format ? ` (${report.format})` : ''}.`);
  console.log(`  readings          ${c.readings}`);
  console.log(`  scored            ${c.scored}`);
  console.log(`  unknown           ${c.unknown}`);
  console.log(`  warnings          ${c.warnings}`);
  console.log(`  accounts created  ${c.accountsCreated}`);
  if (report.versions.length > 0) {
    console.log('');
    console.log(
      table(
        ['ACCOUNT', 'PERIOD', 'VERSION', 'READINGS'],
        report.versions.map((v) => [v.account, v.period, v.version, v.readings]),
      ),
    );
  }
  if (report.warnings.length > 0) {
    console.log('');
    const more = c.warnings > report.warnings.length ? ` (first ${report.warnings.length} of ${c.warnings})` : '';
    console.log(`Warnings${more}:`);
    console.log(
      table(
        ['SHEET', 'ROW', 'COLUMN', 'ACCOUNT', 'KPI', 'WARNING'],
        report.warnings.map((w) => [w.sheet, w.row, w.column, w.account, w.kpi, w.message]),
      ),
    );
  }
}

/** Sends one file as multipart form data with a progress bar on stderr. */
async function sendFile<T>(
  session: Session,
  name: string,
  bytes: Buffer,
  fields: Record<string, string>,
  send: (client: PulseClient, form: FormData) => Promise<T>,
): Promise<T> {
  const form = new FormData();
  form.set('file', new File([bytes], name, { type: CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream' }));
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  const bar = new ProgressBar(`Uploading ${name}`, bytes.length);
  const client = session.clientWith((base) =>
    withUploadProgress(base, (sent, total) => {
      if (sent >= total) bar.finish(sent);
      else bar.update(sent, total);
    }),
  );
  try {
    return await session.call(() => send(client, form));
  } finally {
    bar.abort();
  }
}

interface UploadOptions {
  period?: string;
  account?: string;
  createAccounts?: boolean;
  json?: boolean;
}

async function upload(fileArg: string, opts: UploadOptions): Promise<void> {
  const file = userPath(fileArg);
  const size = checkUploadFile(file);
  const name = path.basename(file);
  if (!CONTENT_TYPES[path.extname(name).toLowerCase()]) {
    throw new CliError(`${name} is not a .csv or .xlsx file: Pulse imports KPI readings from CSV files (.csv) and Excel workbooks (.xlsx).`);
  }
  const session = Session.open();
  const fields: Record<string, string> = {};
  if (opts.period) fields.period = opts.period;
  if (opts.account) fields.accountName = opts.account;
  if (opts.createAccounts === false) fields.createAccounts = 'false';
  const bar = new ProgressBar(`Uploading ${name}`, size);
  let result: UploadResult;
  try {
    const body = Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
    result = await session.stream((opts) =>
      streamUpload(opts, { name, body }, fields, (p) =>
        bar.update(p.bytes, size, `${p.rowsParsed.toLocaleString('en')} rows read, ${p.rowsStored.toLocaleString('en')} stored`),
      ),
    );
    bar.finish(size);
  } finally {
    bar.abort();
  }

  const { report } = result;
  if (opts.json) console.log(JSON.stringify(result, null, 2));
  else printReport(report, name);
  if (report.status === 'rejected') {
    throw new CliError(`Upload rejected: ${plural(report.problems.length, 'problem')} (see above).`, EXIT.rejected);
  }
}

async function importProfiles(fileArg: string, opts: { json?: boolean }): Promise<void> {
  const file = userPath(fileArg);
  const bytes = readUploadFile(file);
  const session = Session.open();
  const name = path.basename(file);
  const result: ProfileResult = await sendFile(session, name, bytes, {}, (client, form) => client.accounts.importProfiles.mutate(form));
  if (opts.json) console.log(JSON.stringify(result, null, 2));
  if (result.status === 'rejected') {
    if (!opts.json) printProblems(result.problems, name);
    throw new CliError(`Import rejected: ${plural(result.problems.length, 'problem')} (see above).`, EXIT.rejected);
  }
  if (!opts.json) {
    console.log(
      `Imported customer profiles from ${name}: ${plural(result.created, 'account')} created, ${result.updated} updated, ${plural(result.products, 'product')} recorded.`,
    );
  }
}

export function registerUpload(program: Command): void {
  program
    .command('upload')
    .description('upload a KPI workbook (.xlsx) or CSV file and print the import report')
    .argument('<file>', 'the file to upload')
    .option('--period <YYYY-MM>', 'workbooks: the month of the readings (default: the current month; CSV rows carry their own)', parsePeriod)
    .option('--account <name>', "workbooks: the account the readings belong to (default: the workbook's Company row)")
    .option('--no-create-accounts', 'reject the upload instead of creating accounts it names that do not exist yet')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Progress goes to stderr, the report to stdout. The exit code is 0 when the upload was
accepted, 2 when Pulse rejected it (every problem is listed), 1 on any other error.

Example:
  pulse upload automotive_solutions_kpis.xlsx --period 2026-01 --account "Automotive Solutions"`,
    )
    .action(upload);

  program
    .command('import-profiles')
    .description('import the customer-profile workbook (.xlsx): creates and updates accounts (admins only)')
    .argument('<file>', 'the customer-profile workbook')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Every account row is checked first; if any cell has a problem, nothing is imported and each
problem is listed with its sheet, row and column (exit code 2).

Example:
  pulse import-profiles customer-profile.xlsx`,
    )
    .action(importProfiles);
}
