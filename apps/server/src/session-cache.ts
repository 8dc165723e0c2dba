import type { Listen, sessions } from '@pulse/db';
import type { Logger } from 'pino';

/** The channel the database announces session, user and tenant changes on (migration 2026-12-01T1100_session_notify). */
export const SESSION_CHANNEL = 'pulse_sessions';
const MAX_ENTRIES = 10_000;
const RELISTEN_MS = 1_000;

/**
 * Sessions this instance resolved, with their user and tenant, kept in memory so a signed-in
 * request needs no statement to find them. It stays right across instances because the
 * database announces every update or deletion of a session, user or tenant row, whoever
 * makes it (NOTIFY pulse_sessions, sent at commit), and each announcement drops what it
 * names here: a revoked session or a deactivated user is refused by every instance as soon
 * as the notification arrives (milliseconds). Nothing is served from memory before this
 * instance listens or after its listening connection is lost (it listens again a second
 * later, starting empty).
 */
export class SessionCache {
  private readonly entries = new Map<string, sessions.SessionContext>();
  /** Counts announcements: a lookup that started before one is not kept (it may hold what the announcement removed). */
  private generation = 0;
  private listening = false;
  private closed = false;
  private stop: (() => Promise<void>) | null = null;
  private changeWaiters: { payload: string; resolve: () => void }[] = [];
  /** Lookups answered from memory (read by the tests and the benchmark). */
  hits = 0;

  constructor(
    private readonly listen: Listen,
    private readonly logger: Logger,
  ) {
    void this.subscribe();
  }

  get(sid: string): sessions.SessionContext | undefined {
    if (!this.listening) return undefined;
    const found = this.entries.get(sid);
    if (found) this.hits++;
    return found;
  }

  /** Taken before reading a session from the database; hand it to set() with the result. */
  mark(): number {
    return this.generation;
  }

  set(sid: string, found: sessions.SessionContext, mark: number): void {
    if (!this.listening || mark !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(sid, found);
  }

  /** This instance ended or expired the session: forget it without waiting for the announcement. */
  drop(sid: string): void {
    this.generation++;
    this.entries.delete(sid);
  }

  /** Resolves once this announcement (`sid:…`, `user:…`, `tenant:…`) has been applied. */
  applied(payload: string): Promise<void> {
    return new Promise((resolve) => this.changeWaiters.push({ payload, resolve }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.forget();
    await this.stop?.();
  }

  private async subscribe(): Promise<void> {
    try {
      this.stop = await this.listen(SESSION_CHANNEL, {
        onMessage: (payload) => this.apply(payload),
        onLost: (error) => {
          this.forget();
          this.logger.warn({ err: error }, 'session cache: lost the notification connection; reading every session from the database until it is back');
          this.relisten();
        },
      });
      if (this.closed) await this.stop();
      else this.listening = true;
    } catch (error) {
      this.logger.warn({ err: error }, 'session cache: cannot listen for session changes; reading every session from the database');
      this.relisten();
    }
  }

  private relisten(): void {
    if (!this.closed) setTimeout(() => void this.subscribe(), RELISTEN_MS).unref();
  }

  private forget(): void {
    this.listening = false;
    this.generation++;
    this.entries.clear();
  }

  private apply(payload: string): void {
    this.generation++;
    if (payload.startsWith('sid:')) this.entries.delete(payload.slice('sid:'.length));
    else this.entries.clear();
    const waiting = this.changeWaiters;
    this.changeWaiters = waiting.filter((w) => w.payload !== payload);
    for (const w of waiting) if (w.payload === payload) w.resolve();
  }
}
