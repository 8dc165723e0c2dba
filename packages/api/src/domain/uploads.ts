import { createHash } from 'node:crypto';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CsvStream,
  inspectUpload,
  isCsvName,
  isValidPeriod,
  isZip,
  parseCsv,
  parseWorkbookInWorker,
  type ImportRow,
  type StructuralProblem,
  type UploadFormat,
} from '@pulse/ingest';
import { uploads as uploadParts, withTenant, type Db, type Page, type PageRequest } from '@pulse/db';
import { MAX_CSV_UPLOAD_BYTES, MAX_UPLOAD_BYTES } from '../limits.js';
import { CSV_TOO_LARGE, WORKBOOK_TOO_LARGE, uploadForm, type StreamUploadQuery } from '../validation.js';
import { withImportSlot } from './import-gate.js';
import { notFound } from '../errors.js';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { emitEvents } from './webhooks.js';
import { loadScoringContext } from './scoring-context.js';
import { ReadingsWriter, type UploadWarning } from './upload-writer.js';

export type { UploadWarning } from './upload-writer.js';

export interface UploadInput {
  filename: string;
  contentType: string;
  bytes: Buffer;
  /** Workbooks: the period of the readings (default: the current month). CSV rows carry their own. */
  period?: string | null;
  /** Workbooks: the account (default: the workbook's Company row). */
  accountName?: string | null;
  /** Create accounts the upload names that do not exist yet (default true). */
  createAccounts?: boolean;
}

export interface UploadReport {
  status: 'accepted' | 'rejected';
  format: 'csv' | 'xlsx' | null;
  /** True when a rejected file is a customer-profile workbook, to be imported with accounts.importProfiles instead. */
  customerProfiles?: boolean;
  problems: StructuralProblem[];
  counts: { readings: number; scored: number; unknown: number; warnings: number; accountsCreated: number };
  warnings: UploadWarning[];
  accounts: { id: string; name: string; created: boolean }[];
  versions: { accountId: string; account: string; period: string; version: number; readings: number }[];
}

export function currentPeriod(now = new Date()): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

function rejected(format: UploadReport['format'], problems: StructuralProblem[]): UploadReport {
  return {
    status: 'rejected',
    format,
    problems,
    counts: { readings: 0, scored: 0, unknown: 0, warnings: 0, accountsCreated: 0 },
    warnings: [],
    accounts: [],
    versions: [],
  };
}

const problem = (message: string, column: string | null = null): StructuralProblem => ({ sheet: null, row: null, column, message });

const MAX_NAME_LENGTH = 200;

/**
 * Account and product names longer than an account or product may be (once per name, at its
 * first row; seen keeps the names found so far when rows come in batches).
 */
function nameProblems(rows: ImportRow[], seen = new Set<string>()): StructuralProblem[] {
  const problems: StructuralProblem[] = [];
  for (const r of rows) {
    for (const [column, name] of [
      ['account', r.account],
      ['product', r.product],
    ] as const) {
      // A name of at most 200 UTF-16 units has at most 200 characters: only longer ones are counted.
      if (!name || name.length <= MAX_NAME_LENGTH || [...name.trim()].length <= MAX_NAME_LENGTH || seen.has(`${column}|${name}`)) continue;
      seen.add(`${column}|${name}`);
      problems.push({ sheet: r.sheet, row: r.line, column, message: `The ${column} name is longer than ${MAX_NAME_LENGTH} characters.` });
    }
  }
  return problems;
}

/**
 * An upload checked and parsed, before any database work. A refused upload (too large, not
 * CSV or XLSX content, a zip bomb, a workbook that takes too long or too much memory to read)
 * is not stored at all; otherwise problems, when there are
 * any, reject it and it is stored as rejected.
 */
export type ReadUpload =
  | { refusal: StructuralProblem; format: UploadFormat | null }
  | { refusal: null; format: UploadFormat; period: string; rows: ImportRow[]; problems: StructuralProblem[]; customerProfiles: boolean };

/**
 * Checks and parses an upload without touching the database, so callers run it outside any
 * transaction: a workbook is parsed in a worker thread (parseWorkbookInWorker), which may
 * take seconds, and a transaction held meanwhile would hold a connection (on PGlite, the only one).
 * Every structural problem is reported together: the file's, over-long names and no readings.
 */
export async function readUpload(input: UploadInput): Promise<ReadUpload> {
  if (input.bytes.length > MAX_UPLOAD_BYTES) return { refusal: problem(WORKBOOK_TOO_LARGE, 'file'), format: null };
  const { format, refusal } = await inspectUpload(input.filename, input.bytes);
  if (refusal !== null) return { refusal: problem(refusal, 'file'), format };
  const period = input.period ?? currentPeriod();
  const reply =
    format === 'csv' ? { result: parseCsv(input.bytes) } : await parseWorkbookInWorker(input.bytes, { period, accountName: input.accountName ?? null });
  if ('refusal' in reply) return { refusal: problem(reply.refusal, 'file'), format };
  const parsed = reply.result;
  const problems = [...parsed.problems, ...nameProblems(parsed.rows)];
  if (parsed.problems.length === 0 && parsed.rows.length === 0) problems.push(problem('The file contains no readings.'));
  return { refusal: null, format, period, rows: parsed.rows, problems, customerProfiles: parsed.layout === 'customer_profiles' };
}

/** The stored bytes of an upload: content, or (streamed) an empty content and its parts. */
interface StoredFile {
  sizeBytes: number;
  sha256: string;
  content: Buffer;
}

const storedFile = (bytes: Buffer): StoredFile => ({ sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), content: bytes });

/** How the report names an upload in the activity log. */
async function recordUploadActivity(db: Db, actor: Actor, uploadId: string, filename: string, report: UploadReport): Promise<void> {
  await recordActivity(db, {
    ...actor,
    action: report.status === 'accepted' ? 'upload.accept' : 'upload.reject',
    resourceType: 'upload',
    resourceId: uploadId,
    after: { filename, counts: report.counts, problems: report.problems.length },
  });
}

async function storeUpload(db: Db, actor: Actor, input: UploadFields, file: StoredFile, format: UploadFormat, period: string | null, report: UploadReport) {
  const uploadId = await uploadParts.insertUpload(db, actor.tenantId, {
    uploadedBy: actor.userId as string,
    filename: input.filename,
    format,
    contentType: input.contentType,
    sizeBytes: file.sizeBytes,
    sha256: file.sha256,
    content: file.content,
    period,
    accountName: report.accounts.length === 1 ? (report.accounts[0]?.name ?? null) : null,
    status: report.status,
    report: JSON.stringify(report),
  });
  await recordUploadActivity(db, actor, uploadId, input.filename, report);
  return uploadId;
}

/** Stores an upload as rejected, with every problem, and tells the webhooks. */
async function rejectUpload(
  db: Db,
  actor: Actor,
  input: UploadFields,
  file: StoredFile,
  format: UploadFormat,
  period: string | null,
  problems: StructuralProblem[],
  extra: Pick<UploadReport, 'customerProfiles'> = {},
): Promise<{ uploadId: string; report: UploadReport }> {
  const report = { ...rejected(format, problems), ...extra };
  const uploadId = await storeUpload(db, actor, input, file, format, format === 'xlsx' && period !== null && isValidPeriod(period) ? period : null, report);
  await emitEvents(db, actor.tenantId, [
    {
      event: 'upload.rejected',
      summary: `The upload ${input.filename} was rejected: ${problems[0]?.message ?? 'it has problems'}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`,
      data: { uploadId, filename: input.filename, problems: problems.slice(0, 20).map((p) => p.message), problemCount: problems.length },
    },
  ]);
  return { uploadId, report };
}

/** The report of an accepted upload, from what its writer stored. */
function acceptedReport(format: UploadFormat, writer: ReadingsWriter): UploadReport {
  const accounts = [...writer.accounts.values()];
  return {
    status: 'accepted',
    format,
    problems: [],
    counts: { ...writer.counts, accountsCreated: accounts.filter((a) => a.created).length },
    warnings: writer.warnings,
    accounts,
    versions: writer.versions(),
  };
}

/**
 * Stores an upload whose rows come in batches (readRows hands each batch to the writer and
 * returns the file's problems, or a refusal), in the caller's transaction: the upload row first
 * (its readings point to it), then the batches. Any problem, the file's or an unknown
 * account's, rolls back to before the upload and stores it as rejected instead; then
 * store(uploadId) keeps its bytes. A refusal rolls back and stores nothing at all.
 */
async function writeUpload(
  db: Db,
  actor: Actor,
  input: UploadFields,
  format: UploadFormat,
  period: string | null,
  file: () => StoredFile,
  readRows: (writer: ReadingsWriter) => Promise<StructuralProblem[] | { refusal: StructuralProblem }>,
  store: (uploadId: string) => Promise<void> = async () => {},
): Promise<{ uploadId: string | null; report: UploadReport }> {
  await uploadParts.markUploadWrites(db);
  const ctx = await loadScoringContext(db, actor.tenantId);
  const pending = rejected(format, []);
  const uploadId = await uploadParts.insertUpload(db, actor.tenantId, {
    uploadedBy: actor.userId as string,
    filename: input.filename,
    format,
    contentType: input.contentType,
    sizeBytes: 0,
    sha256: '',
    content: Buffer.alloc(0),
    period,
    accountName: null,
    status: 'accepted',
    report: JSON.stringify(pending),
  });
  const writer = new ReadingsWriter(db, actor, uploadId, ctx, input.createAccounts ?? true);
  const read = await readRows(writer);
  if ('refusal' in read) {
    await uploadParts.rollbackUploadWrites(db);
    return { uploadId: null, report: rejected(null, [read.refusal]) };
  }
  const problems = [...read, ...writer.accountProblems];
  if (problems.length) {
    await uploadParts.rollbackUploadWrites(db);
    const result = await rejectUpload(db, actor, input, file(), format, period, problems);
    await store(result.uploadId);
    return result;
  }
  await writer.finish();
  const report = acceptedReport(format, writer);
  const stored = file();
  await uploadParts.completeUpload(db, actor.tenantId, uploadId, {
    sizeBytes: stored.sizeBytes,
    sha256: stored.sha256,
    content: stored.content,
    accountName: report.accounts.length === 1 ? (report.accounts[0]?.name ?? null) : null,
    report: JSON.stringify(report),
  });
  await recordUploadActivity(db, actor, uploadId, input.filename, report);
  await store(uploadId);
  return { uploadId, report };
}

/**
 * Imports one file as one transaction (the caller's). For callers that already hold a
 * transaction (demo seed, benchmarks); the HTTP routes read the file as it arrives.
 */
/**
 * An upload posted as a form: the form is checked, then, holding an import slot, the file is
 * read (a workbook in a worker thread) before the tenant's transaction opens, and saved inside it.
 */
export async function createUpload(
  db: Db,
  actor: Actor,
  form: FormData,
  setHeader: (name: string, value: string) => void,
): Promise<{ uploadId: string | null; report: UploadReport }> {
  const { file, ...fields } = uploadForm(form);
  const upload: UploadFields = { filename: file.name || 'upload', contentType: file.type || 'application/octet-stream', ...fields };
  const bytes = Readable.from([Buffer.from(await file.arrayBuffer())]);
  return withImportSlot(actor.tenantId, setHeader, () => importUploadStream(db, actor, upload, bytes));
}

/**
 * POST /api/uploads/stream: an upload whose fields come as query parameters and whose bytes are
 * the request body, read as they arrive (importUploadStream), holding an import slot; onProgress
 * hears after each batch of rows stored.
 */
export async function createStreamedUpload(
  db: Db,
  actor: Actor,
  query: StreamUploadQuery,
  contentType: string,
  body: AsyncIterable<Uint8Array>,
  onProgress: (progress: UploadProgress) => void,
  setHeader: (name: string, value: string) => void,
): Promise<{ uploadId: string | null; report: UploadReport }> {
  const upload: UploadFields = { ...query, contentType: contentType || 'application/octet-stream' };
  return withImportSlot(actor.tenantId, setHeader, () => importUploadStream(db, actor, upload, body, onProgress));
}

export async function importUpload(db: Db, actor: Actor, input: UploadInput): Promise<{ uploadId: string | null; report: UploadReport }> {
  return importUploadStream(db, actor, input, Readable.from([input.bytes]));
}

/**
 * Saves what readUpload found, in the caller's transaction: a refused upload is not stored
 * (uploadId null); one with problems is stored as rejected with every problem; otherwise its
 * readings are stored (replacing each account period they cover, as a new version), scored,
 * and the affected health recomputed. Rejected uploads are kept too, so the history shows
 * them and the file can be fetched.
 */
export async function saveUpload(db: Db, actor: Actor, input: UploadInput, read: ReadUpload): Promise<{ uploadId: string | null; report: UploadReport }> {
  if (read.refusal !== null) return { uploadId: null, report: rejected(read.format, [read.refusal]) };
  const { format, period } = read;
  const file = () => storedFile(input.bytes);
  if (read.customerProfiles) return rejectUpload(db, actor, input, file(), format, period, read.problems, { customerProfiles: true });
  if (read.problems.length && (input.createAccounts ?? true)) return rejectUpload(db, actor, input, file(), format, period, read.problems);
  return writeUpload(db, actor, input, format, format === 'xlsx' ? period : null, file, async (writer) => {
    await writer.add(read.rows, read.problems.length === 0);
    return read.problems;
  });
}

/** How an import tells what it has done so far: bytes received, rows read and rows stored. */
export interface UploadProgress {
  bytes: number;
  rowsParsed: number;
  rowsStored: number;
}

const STREAM_BATCH_ROWS = 5000;
const PART_BYTES = 1024 * 1024;

/**
 * The bytes of an upload on local disk while it is read, hashed as they come, so that the
 * file (kept with the upload, accepted or rejected) is never held in memory.
 */
class Spool {
  private readonly hash = createHash('sha256');
  size = 0;

  private constructor(
    private readonly dir: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(): Promise<Spool> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-upload-'));
    return new Spool(dir, await open(path.join(dir, 'upload'), 'w+'));
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    this.size += chunk.length;
    await this.handle.appendFile(chunk);
  }

  file(): StoredFile {
    return { sizeBytes: this.size, sha256: this.hash.copy().digest('hex'), content: Buffer.alloc(0) };
  }

  /** Stores the bytes as the upload's parts, one megabyte at a time. */
  async store(db: Db, tenantId: string, uploadId: string): Promise<void> {
    for (let position = 0; position * PART_BYTES < this.size; position++) {
      const part = Buffer.alloc(Math.min(PART_BYTES, this.size - position * PART_BYTES));
      await this.handle.read(part, 0, part.length, position * PART_BYTES);
      await uploadParts.addUploadPart(db, tenantId, uploadId, position, part);
    }
  }

  async remove(): Promise<void> {
    await this.handle.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Reads a CSV upload as it arrives and stores it in the caller's transaction (writeUpload):
 * bytes go to a spool file and through CsvStream, rows are stored 5,000 at a time, and
 * progress is reported after each batch. The keys of the readings read go to a temporary
 * table (repos/uploads.ts, recordReadingKeys), which finds duplicates. A file over the CSV
 * limit or with a NUL byte is refused and nothing is stored. Memory holds a batch, not the file.
 */
async function importCsvStream(
  db: Db,
  actor: Actor,
  input: UploadFields,
  source: AsyncIterable<Uint8Array>,
  onProgress: (progress: UploadProgress) => void,
): Promise<{ uploadId: string | null; report: UploadReport }> {
  const spool = await Spool.create();
  const progress: UploadProgress = { bytes: 0, rowsParsed: 0, rowsStored: 0 };
  try {
    return await writeUpload(
      db,
      actor,
      input,
      'csv',
      null,
      () => spool.file(),
      async (writer) => {
        await uploadParts.createReadingKeys(db);
        const csv = new CsvStream((keys, lines) => uploadParts.recordReadingKeys(db, keys, lines));
        const names: StructuralProblem[] = [];
        const seenNames = new Set<string>();
        const pending: ImportRow[] = [];
        /** Stores the next batch of rows read (while the file has no problem), and says how far it got. */
        const flush = async () => {
          const batch = pending.splice(0, STREAM_BATCH_ROWS);
          progress.rowsParsed += batch.length;
          names.push(...nameProblems(batch, seenNames));
          const store = csv.problemCount === 0 && names.length === 0;
          await writer.add(batch, store);
          if (store && writer.accountProblems.length === 0) progress.rowsStored += batch.length;
          onProgress({ ...progress });
        };
        const take = async (rows: ImportRow[]) => {
          pending.push(...rows);
          while (pending.length >= STREAM_BATCH_ROWS) await flush();
        };
        for await (const chunk of source) {
          progress.bytes += chunk.length;
          if (progress.bytes > MAX_CSV_UPLOAD_BYTES) return { refusal: problem(CSV_TOO_LARGE, 'file') };
          if (chunk.includes(0)) return { refusal: problem('The file is not a text file: it contains NUL bytes.', 'file') };
          await spool.write(chunk);
          await take(await csv.write(chunk));
        }
        const end = await csv.end();
        await take(end.rows);
        if (pending.length || progress.rowsParsed === 0) await flush();
        await uploadParts.dropReadingKeys(db);
        const problems = [...end.problems, ...names];
        if (end.problems.length === 0 && progress.rowsParsed === 0) problems.push(problem('The file contains no readings.'));
        return problems;
      },
      (uploadId) => spool.store(db, actor.tenantId, uploadId),
    );
  } finally {
    await spool.remove();
  }
}

export type UploadFields = Omit<UploadInput, 'bytes'>;

const SNIFF_BYTES = 8192;

/**
 * Imports an upload as its bytes arrive, in the caller's transaction when db is one, else in
 * the tenant's own. A file named .csv that is not a zip is read as it comes (importCsvStream),
 * up to MAX_CSV_UPLOAD_BYTES; anything else (a workbook) is gathered, up to
 * MAX_UPLOAD_BYTES, read (a workbook in a worker thread) before the transaction opens, and saved.
 * A refused upload (too large, not CSV or XLSX content, a zip bomb) stores nothing.
 */
export async function importUploadStream(
  db: Db,
  actor: Actor,
  input: UploadFields,
  source: AsyncIterable<Uint8Array>,
  onProgress: (progress: UploadProgress) => void = () => {},
): Promise<{ uploadId: string | null; report: UploadReport }> {
  const chunks = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  for (let next = size < SNIFF_BYTES ? await chunks.next() : null; next && !next.done; next = size < SNIFF_BYTES ? await chunks.next() : null) {
    head.push(Buffer.from(next.value));
    size += next.value.length;
  }
  const first = Buffer.concat(head);
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => chunks };
  if (!isZip(first) && isCsvName(input.filename)) {
    const detection = await inspectUpload(input.filename, first);
    if (detection.refusal !== null) return { uploadId: null, report: rejected(detection.format, [problem(detection.refusal, 'file')]) };
    const all = (async function* () {
      yield first;
      yield* rest;
    })();
    return withTenant(db, actor.tenantId, (tx) => importCsvStream(tx, actor, input, all, onProgress));
  }
  const whole = [first];
  for await (const chunk of rest) {
    size += chunk.length;
    if (size > MAX_UPLOAD_BYTES) return { uploadId: null, report: rejected(null, [problem(WORKBOOK_TOO_LARGE, 'file')]) };
    whole.push(Buffer.from(chunk));
  }
  const upload = { ...input, bytes: Buffer.concat(whole) };
  const read = await readUpload(upload);
  return withTenant(db, actor.tenantId, (tx) => saveUpload(tx, actor, upload, read));
}

export interface UploadSummary {
  id: string;
  filename: string;
  format: 'csv' | 'xlsx';
  sizeBytes: number;
  period: string | null;
  accountName: string | null;
  status: 'accepted' | 'rejected';
  uploadedBy: { id: string; name: string };
  createdAt: Date;
}

function toSummary(r: uploadParts.UploadRow): UploadSummary {
  return {
    id: r.id,
    filename: r.filename,
    format: r.format,
    sizeBytes: r.size_bytes,
    period: r.period,
    accountName: r.account_name,
    status: r.status,
    uploadedBy: { id: r.user_id, name: r.user_name },
    createdAt: r.created_at,
  };
}

/** A tenant's uploads, newest first, filtered by status and by an account they hold readings of. */
export async function listUploads(
  db: Db,
  tenantId: string,
  input: PageRequest & { accountId?: string | null | undefined; status?: 'accepted' | 'rejected' | null | undefined },
): Promise<Page<UploadSummary>> {
  const { limit, cursor, ...filters } = input;
  const result = await uploadParts.listUploads(db, tenantId, filters, { limit, cursor });
  return { items: result.items.map(toSummary), nextCursor: result.nextCursor };
}

export async function getUpload(db: Db, tenantId: string, id: string): Promise<UploadSummary & { report: UploadReport; sha256: string }> {
  const row = await uploadParts.findUpload(db, tenantId, id);
  if (!row) throw notFound('Upload');
  return { ...toSummary(row), report: row.report as UploadReport, sha256: row.sha256 };
}

/** The stored file of an upload (a streamed one joined from its parts). The type its uploader declared is not returned: it is never served back. */
export async function getUploadFile(db: Db, tenantId: string, id: string): Promise<{ filename: string; content: Uint8Array }> {
  const file = await uploadParts.uploadFile(db, tenantId, id);
  if (!file) throw notFound('Upload');
  return file;
}
