import type { Actor } from '../../actor.js';
import type { Store } from '../../store/database.js';
import '../../live/live.table.js';

/** How long a credential, once verified, is taken at its word without asking the database. */
export const AUTH_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** What a verified credential stands for: its actor, and what each use must still check. */
export interface CachedCredential {
  actor: Actor;
  /** The session's CSRF token (sessions only). */
  csrfToken?: string;
  /** When the token or session expires, on the node's clock (null: never). */
  expiresAt: number | null;
}

/**
 * Credentials verified in the last few seconds (API tokens, session cookies, HTTP Basic
 * pairs), keyed by a hash of the credential so that no secret is kept: a TAXII client or a
 * browser making many requests costs one lookup and one hash check per AUTH_CACHE_MS, not
 * one per request. A change made through this process (a revoked token, a logout, a user
 * disabled, a role or password changed) clears the cache at once. On PostgreSQL, where
 * several processes share the database, a trigger moves the accounts' epoch
 * (`live_state.auth_epoch`) in the transaction of any such change, and each use asks for
 * it first (`fresh`, one small read instead of a lookup and a hash check): a change made
 * through any process takes effect at once in all. Freshness is measured on the process's
 * monotonic time, not the node's clock, which exercises and tests move: the bound is in
 * real seconds.
 */
export class AuthCache {
  private readonly entries = new Map<
    string,
    { credential: CachedCredential; until: number; epoch: number }
  >();
  /** The accounts' epoch last read (PostgreSQL; always 0 on SQLite). */
  private epoch = 0;
  private reading: Promise<number> | undefined;
  private next: Promise<number> | undefined;

  /**
   * PostgreSQL: reads the accounts' epoch and forgets everything cached before it moved.
   * A read already running may have started before the caller's request: the caller waits
   * for the next one. Returns the epoch, to give `set` for what is verified after it.
   */
  fresh(store: Store): Promise<number> {
    if (store.dialect !== 'postgres') return Promise.resolve(this.epoch);
    if (!this.reading) return this.read(store);
    this.next ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.read(store);
      });
    return this.next;
  }

  private read(store: Store): Promise<number> {
    const reading = store.db
      .selectFrom('live_state')
      .select('auth_epoch')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow()
      .then(({ auth_epoch }) => {
        const epoch = Number(auth_epoch);
        if (epoch !== this.epoch) {
          this.clear();
          this.epoch = epoch;
        }
        return epoch;
      })
      .finally(() => {
        if (this.reading === reading) this.reading = undefined;
      });
    this.reading = reading;
    return reading;
  }

  get(key: string): CachedCredential | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= performance.now() || entry.epoch !== this.epoch) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.credential;
  }

  /** `epoch`: the one `fresh` gave before the credential was verified. */
  set(key: string, credential: CachedCredential, epoch = this.epoch): void {
    // Many distinct credentials in a few seconds is not a steady state: start again.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { credential, until: performance.now() + AUTH_CACHE_MS, epoch });
  }

  /** A yes/no fact about a user checked on every request (must they enrol a second factor?). */
  getFact(key: string): boolean | undefined {
    const entry = this.facts.get(key);
    if (!entry) return undefined;
    if (entry.until <= performance.now() || entry.epoch !== this.epoch) {
      this.facts.delete(key);
      return undefined;
    }
    return entry.value;
  }

  setFact(key: string, value: boolean): void {
    if (this.facts.size >= MAX_ENTRIES) this.facts.clear();
    this.facts.set(key, { value, until: performance.now() + AUTH_CACHE_MS, epoch: this.epoch });
  }

  /** After any change to accounts, tokens or sessions: nothing cached may outlive it. */
  clear(): void {
    this.entries.clear();
    this.facts.clear();
  }

  private readonly facts = new Map<string, { value: boolean; until: number; epoch: number }>();
}
