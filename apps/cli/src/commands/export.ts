import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { Session, userPath } from '../connection.js';
import { CliError, networkFailure } from '../errors.js';
import { formatBytes, ProgressBar } from '../progress.js';

async function errorMessage(res: Response): Promise<string | null> {
  try {
    const body = (await res.json()) as { error?: string | { message?: string } };
    return typeof body.error === 'string' ? body.error : (body.error?.message ?? null);
  } catch {
    return null;
  }
}

function checkDestination(out: string, force: boolean): void {
  const dir = path.dirname(out);
  if (!fs.existsSync(dir)) throw new CliError(`The folder ${dir} does not exist.`);
  if (fs.existsSync(out)) {
    if (fs.statSync(out).isDirectory()) throw new CliError(`${out} is a folder: give a file name.`);
    if (!force) throw new CliError(`${out} already exists: choose another --out, or add --force to replace it.`);
  }
}

/**
 * GET /api/export: 200 with application/zip for admins, 403 for members, 401 without a
 * live session. The zip is written to a temporary file next to --out and renamed into
 * place once complete, so an interrupted export never leaves a truncated zip behind.
 */
async function exportData(opts: { out: string; force?: boolean }): Promise<void> {
  const out = userPath(opts.out);
  checkDestination(out, opts.force === true);
  const session = Session.open();
  const res = await session.fetch('/api/export', { headers: { accept: 'application/zip' } });
  if (res.status === 401) throw session.expire();
  if (res.status === 403) {
    await res.body?.cancel();
    throw new CliError("Only admins can export the organisation's data.");
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw new CliError(`${session.url} has no export (GET /api/export answered 404): the server may be older than this CLI.`);
  }
  if (!res.ok) {
    const message = await errorMessage(res);
    throw new CliError(`Export failed: HTTP ${res.status}${message ? ` (${message})` : ''}.`);
  }
  const type = res.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/zip') || !res.body) {
    await res.body?.cancel();
    throw new CliError(`Export failed: expected a zip file, got ${type || 'no content type'}.`);
  }

  const total = Number(res.headers.get('content-length')) || null;
  const bar = new ProgressBar('Exporting', total);
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.part`);
  let received = 0;
  try {
    await pipeline(
      Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          received += chunk.length;
          bar.update(received);
          yield chunk;
        }
      },
      // The export holds the organisation's data: readable by the owner alone.
      fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 }),
    );
    if (total !== null && received !== total) throw new CliError(`Export interrupted: received ${received} of ${total} bytes.`);
    fs.renameSync(tmp, out);
  } catch (error) {
    bar.abort();
    fs.rmSync(tmp, { force: true });
    if (error instanceof CliError) throw error;
    const network = networkFailure(error);
    if (network) throw new CliError(`The connection to ${session.url} broke during the export (${network}).`);
    throw error;
  }
  bar.finish(received);
  console.log(`Saved the export (${formatBytes(received)}) to ${out}.`);
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("download your organisation's data as a zip file (admins only)")
    .requiredOption('--out <file>', 'where to write the zip (created readable by you alone)')
    .option('--force', 'replace the file if it exists')
    .action(exportData);
}
