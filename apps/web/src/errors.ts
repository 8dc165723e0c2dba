import { MAX_UPLOAD_BYTES } from '@pulse/client';
import { formatBytes } from './format.js';

/** The part of a tRPC client error the screens read. */
export interface ErrorLike {
  message: string;
  data?: { code?: string; fieldErrors?: Record<string, string[]> } | null;
}

const UNREACHABLE = 'Pulse could not be reached. Check your connection and try again.';

/** What a person reads for an answer whose message is only an error code (tRPC's own errors, such as a body over the limit). */
const CODE_SENTENCES: Record<string, string> = {
  PAYLOAD_TOO_LARGE: `The file is larger than ${formatBytes(MAX_UPLOAD_BYTES)}, the most Pulse takes in one upload. Split it into smaller files.`,
  TOO_MANY_REQUESTS: 'Pulse is busy right now. Wait a moment and try again.',
  TIMEOUT: 'Pulse took too long to answer. Try again.',
  UNAUTHORIZED: 'Your session has ended. Please sign in again.',
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'This was not found. It may have been removed.',
  CONFLICT: 'Someone changed this at the same time. Reload and try again.',
  UNSUPPORTED_MEDIA_TYPE: 'Pulse cannot read this kind of request.',
};
const GENERIC = 'Something went wrong on the server. Try again in a moment.';

/** A message that is a code (PAYLOAD_TOO_LARGE) or empty, rather than a sentence for a person. */
function isCode(message: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(message.trim()) || message.trim() === '';
}

/**
 * The sentence to show for an error. Errors without data never got a tRPC answer (network
 * failure, proxy error page); an answer whose message is a bare code gets a sentence for it.
 */
export function errorMessage(error: ErrorLike): string {
  if (!error.data) return UNREACHABLE;
  if (!isCode(error.message)) return error.message;
  return CODE_SENTENCES[error.message.trim()] ?? CODE_SENTENCES[error.data.code ?? ''] ?? GENERIC;
}

export interface FormErrors {
  /** Shown above the form: what went wrong, or a pointer to the fields. */
  message: string | null;
  fieldErrors: Record<string, string[]>;
}

export function formErrors(error: ErrorLike | null): FormErrors {
  if (!error) return { message: null, fieldErrors: {} };
  const fieldErrors = error.data?.fieldErrors ?? {};
  const message = Object.keys(fieldErrors).length > 0 ? 'Please correct the highlighted fields.' : errorMessage(error);
  return { message, fieldErrors };
}
