import { CLIENT_HEADER } from '@pulse/client';
import type { ErrorLike } from './errors.js';
import type { RouterOutputs } from './trpc.js';

/**
 * uploads.create over XMLHttpRequest rather than the tRPC client: fetch cannot report how
 * much of a request body has been sent, and the upload screen shows a real progress bar.
 * The wire format is tRPC's own (multipart body in, { result: { data } } or { error } out).
 */

export type UploadResult = RouterOutputs['uploads']['create'];
export type UploadReport = UploadResult['report'];

export const UPLOAD_ENDPOINT = '/api/trpc/uploads.create';

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

function uploadForm({ file, period, accountName }: UploadInput): FormData {
  const form = new FormData();
  form.append('file', file, file.name);
  if (period) form.append('period', period);
  if (accountName.trim()) form.append('accountName', accountName.trim());
  return form;
}

interface TrpcAnswer {
  result?: { data?: UploadResult };
  error?: { message?: string; data?: ErrorLike['data'] };
}

function parseAnswer(status: number, body: string): UploadResult {
  let answer: TrpcAnswer;
  // A proxy in front of Pulse may answer an oversized body with its own page.
  if (status === 413 && !body.trimStart().startsWith('{')) throw new UploadError('PAYLOAD_TOO_LARGE', { code: 'PAYLOAD_TOO_LARGE' });
  try {
    answer = JSON.parse(body) as TrpcAnswer;
  } catch {
    throw new UploadError(`The server answered with status ${status} and no readable result.`, { code: 'UNREADABLE' });
  }
  if (answer.result?.data) return answer.result.data;
  if (answer.error) throw new UploadError(answer.error.message ?? 'The upload failed.', answer.error.data ?? { code: 'UNKNOWN' });
  throw new UploadError(`The server answered with status ${status} and no result.`, { code: 'UNREADABLE' });
}

export interface SendUploadOptions {
  /** Share of the file sent, 0–1; null while the browser cannot tell. */
  onProgress?: (sent: number | null) => void;
  /** Called once the whole body is sent: the server is now importing the file. */
  onSent?: () => void;
  signal?: AbortSignal;
}

/** POSTs the file with the session cookie and the client header; resolves with the import report. */
export function sendUpload(input: UploadInput, { onProgress, onSent, signal }: SendUploadOptions = {}): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', UPLOAD_ENDPOINT);
    xhr.withCredentials = true;
    xhr.setRequestHeader(CLIENT_HEADER.name, CLIENT_HEADER.value);
    xhr.upload.onprogress = (event) => onProgress?.(event.lengthComputable && event.total > 0 ? event.loaded / event.total : null);
    xhr.upload.onload = () => onSent?.();
    xhr.onload = () => {
      try {
        resolve(parseAnswer(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error);
      }
    };
    xhr.onerror = () => reject(new UploadError('The upload was interrupted.'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(uploadForm(input));
  });
}
