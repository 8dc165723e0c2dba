/**
 * A minimal cookie jar for one server: what Node's fetch lacks. It keeps name=value pairs
 * from Set-Cookie, drops the ones the server expires, and sends them back to the same origin.
 */
export class CookieJar {
  private changed = false;

  constructor(
    private readonly origin: string,
    private readonly cookies: Record<string, string> = {},
  ) {}

  /** True once a response set or cleared a cookie. */
  get dirty(): boolean {
    return this.changed;
  }

  /** After the cookies were saved. */
  markClean(): void {
    this.changed = false;
  }

  get size(): number {
    return Object.keys(this.cookies).length;
  }

  toJSON(): Record<string, string> {
    return { ...this.cookies };
  }

  clear(): void {
    if (this.size === 0) return;
    for (const name of Object.keys(this.cookies)) delete this.cookies[name];
    this.changed = true;
  }

  /** The Cookie header for a request to url, or null (other origins never get the cookies). */
  header(url: string): string | null {
    if (new URL(url).origin !== this.origin || this.size === 0) return null;
    return Object.entries(this.cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }

  /** Applies a response's Set-Cookie headers. */
  store(setCookies: readonly string[], now = Date.now()): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', ...rest] = attribute.split('=');
        const attrValue = rest.join('=').trim();
        const k = key.trim().toLowerCase();
        if (k === 'max-age' && Number(attrValue) <= 0) expired = true;
        if (k === 'expires') {
          const at = Date.parse(attrValue);
          if (!Number.isNaN(at) && at <= now) expired = true;
        }
      }
      if (expired) {
        if (name in this.cookies) {
          delete this.cookies[name];
          this.changed = true;
        }
      } else if (this.cookies[name] !== value) {
        this.cookies[name] = value;
        this.changed = true;
      }
    }
  }

  /** Wraps fetch: sends the jar's cookies and stores what the response sets. */
  fetch(base: typeof fetch = globalThis.fetch): typeof fetch {
    return async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      const cookie = this.header(url);
      if (cookie) headers.set('cookie', cookie);
      const response = await base(input, { ...init, headers });
      this.store(response.headers.getSetCookie());
      return response;
    };
  }
}
