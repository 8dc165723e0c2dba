import { CLIENT_HEADER, type UploadProgress } from '@pulse/client';
import type { ErrorLike } from './errors.js';
import type { RouterOutputs } from './trpc.js';

/**
 * The upload goes to POST /api/uploads/stream over XMLHttpRequest rather than the tRPC client:
 * fetch cannot report how much of a request body has been sent, and the upload screen shows a
 * real progress bar. The body is the file itself; the server answers NDJSON as it imports:
 * {"progress":{bytes,rowsParsed,rowsStored}} lines, then {"result":…} or an error. Errors, a
 * refusal's answer or the last line, come in tRPC's shape: {"error":{message,code,data}}.
 */

export type UploadResult = RouterOutputs['uploads']['create'];
export type UploadReport = UploadResult['report'];

export const UPLOAD_ENDPOINT = '/api/uploads/stream';

export interface UploadInput {
  file: File;
  /** YYYY-MM; workbooks only (CSV rows carry their own period). */
  period: string;
  /** Workbooks only; blank to use the workbook's Company row. */
  accountName: string;
}

/** A failed upload in the shape the screens read for any tRPC error (see errors.ts). */
export class UploadError extends Error implements ErrorLike {
  constructor(
    message: string,
    readonly data: ErrorLike['data'] = null,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/** The upload's address: the fields as query parameters (blank ones left out). */
function uploadUrl({ file, period, accountName }: UploadInput): string {
  const fields = new URLSearchParams({ filename: file.name });
  if (period) fields.set('period', period);
  if (accountName.trim()) fields.set('accountName', accountName.trim());
  return `${UPLOAD_ENDPOINT}?${fields}`;
}

/** How the server answers an error, as tRPC does: data.code is what the screens read (errors.ts). */
interface ErrorShape {
  error: { message: string; data: { code: string; fieldErrors?: Record<string, string[]> } };
}

type StreamLine = { progress: UploadProgress } | { result: UploadResult } | ErrorShape;

/** The UploadError of an answer in tRPC's error shape; null when the answer is not in it. */
function shapedError(answer: unknown): UploadError | null {
  const error = (answer as Partial<ErrorShape> | null)?.error;
  if (!error || typeof error.message !== 'string' || typeof error.data?.code !== 'string') return null;
  const { code, fieldErrors } = error.data;
  return new UploadError(error.message, { code, ...(fieldErrors ? { fieldErrors } : {}) });
}

/** A refusal before any line, in tRPC's error shape. */
function refusal(status: number, body: string): UploadError {
  // A proxy in front of Pulse may answer an oversized body with its own page.
  if (status === 413 && !body.trimStart().startsWith('{')) return new UploadError('PAYLOAD_TOO_LARGE', { code: 'PAYLOAD_TOO_LARGE' });
  let answer: unknown = null;
  try {
    answer = JSON.parse(body);
  } catch {
    // Not JSON: said below.
  }
  return shapedError(answer) ?? new UploadError(`The server answered with status ${status} and no readable result.`, { code: 'UNREADABLE' });
}

export interface SendUploadOptions {
  /** Share of the file sent, 0–1; null while the browser cannot tell. */
  onProgress?: (sent: number | null) => void;
  /** Called once the whole body is sent: the server is now importing the file. */
  onSent?: () => void;
  /** What the server has done so far: rows read and rows stored (after each batch). */
  onImportProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** POSTs the file with the session cookie and the client header; resolves with the import report. */
export function sendUpload(input: UploadInput, { onProgress, onSent, onImportProgress, signal }: SendUploadOptions = {}): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let read = 0;
    let outcome: { result: UploadResult } | ErrorShape | null = null;
    /** Handles the answer's complete lines not handled yet. */
    const readLines = () => {
      if (xhr.status !== 200) return;
      const end = xhr.responseText.lastIndexOf('\n') + 1;
      const lines = xhr.responseText
        .slice(read, end)
        .split('\n')
        .filter((l) => l.trim() !== '');
      read = Math.max(read, end);
      for (const text of lines) {
        const line = JSON.parse(text) as StreamLine;
        if ('progress' in line) onImportProgress?.(line.progress);
        else outcome = line;
      }
    };
    xhr.open('POST', uploadUrl(input));
    xhr.withCredentials = true;
    xhr.setRequestHeader(CLIENT_HEADER.name, CLIENT_HEADER.value);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => onProgress?.(event.lengthComputable && event.total > 0 ? event.loaded / event.total : null);
    xhr.upload.onload = () => onSent?.();
    xhr.onprogress = () => readLines();
    xhr.onload = () => {
      try {
        if (xhr.status !== 200) throw refusal(xhr.status, xhr.responseText);
        readLines();
        const last = outcome;
        if (last && 'result' in last) resolve(last.result);
        else
          reject(
            (last && shapedError(last)) ??
              new UploadError('The connection ended before the upload was finished; nothing may have been stored. Try again.', {
                code: 'INTERNAL_SERVER_ERROR',
              }),
          );
      } catch (error) {
        reject(error instanceof UploadError ? error : new UploadError('The server answered with status 200 and no readable result.', { code: 'UNREADABLE' }));
      }
    };
    xhr.onerror = () => reject(new UploadError('The upload was interrupted.'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(input.file);
  });
}
