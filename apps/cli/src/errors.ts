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
]);

const TRUST_IT =
  'If this is your Pulse server, trust its certificate: save it (or the certificate of the authority that signed it) as a PEM file, ' +
  'e.g. with `openssl s_client -connect HOST:PORT -showcerts`, and run pulse with NODE_EXTRA_CA_CERTS=/path/to/that.pem.';

/** What is wrong with a server certificate, by the TLS error code, and what to do about it. */
const CERTIFICATE_PROBLEMS: Record<string, [problem: string, remedy: string]> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: ['its certificate is self-signed, so nothing vouches for it', TRUST_IT],
  SELF_SIGNED_CERT_IN_CHAIN: ['its certificate was issued by a self-signed authority this computer does not trust', TRUST_IT],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['its certificate was issued by an authority this computer does not know', TRUST_IT],
  UNABLE_TO_GET_ISSUER_CERT: ['its certificate was issued by an authority this computer does not know', TRUST_IT],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ['its certificate was issued by an authority this computer does not know', TRUST_IT],
  CERT_HAS_EXPIRED: ['its certificate has expired', 'Renew the certificate on the server (or check this computer’s clock).'],
  CERT_NOT_YET_VALID: ['its certificate is not valid yet', 'Check the clocks of this computer and the server.'],
  ERR_TLS_CERT_ALTNAME_INVALID: [
    'its certificate is for another host name',
    'Use the address the certificate names in --url, or issue a certificate for this one.',
  ],
};

/** The error and its causes, outermost first (a few levels deep). */
function* causes(error: unknown): Generator<{ code?: unknown; message?: unknown; cause?: unknown }> {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const link = current as { code?: unknown; message?: unknown; cause?: unknown };
    yield link;
    current = link.cause;
  }
}

/**
 * When a request failed because the server's TLS certificate is not trusted: what is wrong
 * with it and how to fix that, as sentences about the server at url; otherwise null.
 */
export function certificateFailure(error: unknown, url: string): string | null {
  for (const { code } of causes(error)) {
    const known = typeof code === 'string' ? CERTIFICATE_PROBLEMS[code] : undefined;
    if (known) return `Pulse at ${url} cannot be trusted: ${known[0]} (${code as string}). ${known[1]}`;
  }
  return null;
}

/** The system error code (ECONNREFUSED, …) somewhere in an error's cause chain, when it is a network failure. */
export function networkFailure(error: unknown): string | null {
  for (const current of causes(error)) {
    const { code, message, cause } = current;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if (current instanceof TypeError && message === 'fetch failed') {
      // undici's wrapper: the reason is in its cause; without one it is still a network failure.
      const inner = networkFailure(cause);
      const reason = cause instanceof Error && cause.message ? cause.message : 'network error';
      return inner ?? reason;
    }
  }
  return null;
}
