import { CookieJar as ToughCookieJar, version, type SerializedCookie } from 'tough-cookie';

/**
 * The cookies the session file keeps: tough-cookie's JSON of each cookie (name, value, host,
 * Path, Secure, expiry). Files written by an earlier pulse kept name → value pairs, which are
 * read as host-only cookies for the whole server (Path=/).
 */
export type SavedCookies = SerializedCookie[] | Record<string, string>;

/** True when a saved session still holds a cookie that has not expired. */
export function hasCookies(url: string, saved: SavedCookies): boolean {
  return new CookieJar(new URL(url).origin, saved).size > 0;
}

/**
 * The cookie jar of one server, what Node's fetch lacks: tough-cookie (RFC 6265) applies the
 * Set-Cookie attributes, so a cookie goes only to the paths it names, a Secure cookie only
 * over HTTPS, and an expired one is dropped. On top of that, the jar never sends its cookies
 * to another origin than the server it belongs to (cookies alone ignore the port).
 */
export class CookieJar {
  private readonly jar: ToughCookieJar;
  private saved: string;

  constructor(
    private readonly origin: string,
    cookies: SavedCookies = [],
  ) {
    if (Array.isArray(cookies)) {
      this.jar = ToughCookieJar.deserializeSync({ version: `tough-cookie@${version}`, storeType: 'MemoryCookieStore', rejectPublicSuffixes: true, cookies });
    } else {
      this.jar = new ToughCookieJar();
      for (const [name, value] of Object.entries(cookies)) this.jar.setCookieSync(`${name}=${value}; Path=/`, origin, { ignoreError: true });
    }
    this.saved = JSON.stringify(this.toJSON());
  }

  /** True once a response set, changed or cleared a cookie since the last save. */
  get dirty(): boolean {
    return JSON.stringify(this.toJSON()) !== this.saved;
  }

  /** After the cookies were saved. */
  markClean(): void {
    this.saved = JSON.stringify(this.toJSON());
  }

  /** How many cookies have not expired (on any path). */
  get size(): number {
    return this.live().length;
  }

  /** The cookies that have not expired, as the session file keeps them. */
  toJSON(): SerializedCookie[] {
    return this.live().map((cookie) => {
      const { lastAccessed: _lastAccessed, ...kept } = cookie.toJSON();
      return kept;
    });
  }

  clear(): void {
    this.jar.removeAllCookiesSync();
  }

  /** The Cookie header for a request to url, or null (other origins never get the cookies). */
  header(url: string): string | null {
    if (new URL(url).origin !== this.origin) return null;
    return this.jar.getCookieStringSync(url) || null;
  }

  /** Applies the Set-Cookie headers of the response to a request to url; a cookie the jar refuses (Secure over HTTP) is ignored. */
  store(url: string, setCookies: readonly string[], now = new Date()): void {
    if (new URL(url).origin !== this.origin) return;
    for (const line of setCookies) this.jar.setCookieSync(line, url, { now, ignoreError: true });
  }

  /** Wraps fetch: sends the jar's cookies and stores what the response sets. */
  fetch(base: typeof fetch = globalThis.fetch): typeof fetch {
    return async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      const cookie = this.header(url);
      if (cookie) headers.set('cookie', cookie);
      const response = await base(input, { ...init, headers });
      this.store(url, response.headers.getSetCookie());
      return response;
    };
  }

  private live(): ReturnType<ToughCookieJar['getCookiesSync']> {
    return this.jar.getCookiesSync(this.origin, { allPaths: true });
  }
}
