/** An error meant for the person at the terminal: printed as it is, then the CLI exits with exitCode. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes: 1 for any failure, 2 when the server rejected an upload, 130 when cancelled. */
export const EXIT = { failure: 1, rejected: 2, cancelled: 130 } as const;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** The system error code (ECONNREFUSED, …) somewhere in an error's cause chain, when it is a network failure. */
export function networkFailure(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if (current instanceof TypeError && message === 'fetch failed') {
      // undici's wrapper: the reason is in its cause; without one it is still a network failure.
      const inner = networkFailure(cause);
      const reason = cause instanceof Error && cause.message ? cause.message : 'network error';
      return inner ?? reason;
    }
    current = cause;
  }
  return null;
}
