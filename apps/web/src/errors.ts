import { MAX_CSV_UPLOAD_BYTES, MAX_UPLOAD_BYTES } from '@pulse/client';
import { formatBytes } from './format.js';

/** The part of a tRPC client error the screens read. */
export interface ErrorLike {
  message: string;
  data?: { code?: string; fieldErrors?: Record<string, string[]> } | null;
}

const UNREACHABLE = 'Pulse could not be reached. Check your connection and try again.';

/**
 * Sentences for the API's error codes, used when an answer's message is not itself a sentence
 * (an error raised by the transport, such as PAYLOAD_TOO_LARGE, carries only its code).
 */
const codeSentences: Record<string, string> = {
  BAD_REQUEST: 'Pulse could not accept this. Check what you entered and try again.',
  PARSE_ERROR: 'Pulse could not read this request. Reload the page and try again.',
  UNAUTHORIZED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'You do not have permission to do this.',
  NOT_FOUND: 'This no longer exists. It may have been deleted; reload the page.',
  CONFLICT: 'Someone changed this at the same time. Reload the page and try again.',
  PAYLOAD_TOO_LARGE: `The file is larger than Pulse takes in one upload (${formatBytes(MAX_CSV_UPLOAD_BYTES)} for a CSV file, ${formatBytes(MAX_UPLOAD_BYTES)} for a workbook). Split it into smaller files.`,
  TOO_MANY_REQUESTS: 'Too many attempts in a short time. Wait a few minutes and try again.',
  TIMEOUT: 'Pulse took too long to answer. Try again.',
  INTERNAL_SERVER_ERROR: 'Something went wrong in Pulse. Try again; if it keeps happening, tell your administrator.',
};
const FALLBACK = 'Something went wrong. Try again; if it keeps happening, tell your administrator.';

/** The API's own messages are sentences ("Account not found."); codes and internal texts are not. */
function isSentence(text: string): boolean {
  return /^[A-Z"‘“(]/.test(text) && /[.!?]["’”)]?$/.test(text) && !/\b[A-Z]+_[A-Z_]+\b/.test(text);
}

/** The one mapping from a server error to what a person reads. Errors without data never got a tRPC answer (network failure, proxy error page). */
export function errorMessage(error: ErrorLike): string {
  if (!error.data) return UNREACHABLE;
  if (isSentence(error.message)) return error.message;
  return codeSentences[error.data.code ?? ''] ?? FALLBACK;
}

export interface FormErrors {
  /** Shown above the form: what went wrong, or a pointer to the fields. */
  message: string | null;
  /** Sentences by field; nested fields are named by their path ("tiers.healthy"). */
  fieldErrors: Record<string, string[]>;
}

export const CORRECT_FIELDS = 'Please correct the highlighted fields.';

export function formErrors(error: ErrorLike | null): FormErrors {
  if (!error) return { message: null, fieldErrors: {} };
  const fieldErrors = error.data?.fieldErrors ?? {};
  const message = Object.keys(fieldErrors).length > 0 ? CORRECT_FIELDS : errorMessage(error);
  return { message, fieldErrors };
}
