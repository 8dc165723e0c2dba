/** The part of a tRPC client error the screens read. */
export interface ErrorLike {
  message: string;
  data?: { code?: string; fieldErrors?: Record<string, string[]> } | null;
}

const UNREACHABLE = 'Pulse could not be reached. Check your connection and try again.';

/** Errors without data never got a tRPC answer (network failure, proxy error page). */
export function errorMessage(error: ErrorLike): string {
  return error.data ? error.message : UNREACHABLE;
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
