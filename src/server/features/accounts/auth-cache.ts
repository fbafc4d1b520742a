import type { Actor } from '../../actor.js';

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
 * disabled, a role or password changed) clears the cache at once; a change made by another
 * process sharing the database (PostgreSQL) takes effect within AUTH_CACHE_MS. Freshness is
 * measured on the process's monotonic time, not the node's clock, which exercises and tests
 * move: the bound is in real seconds.
 */
export class AuthCache {
  private readonly entries = new Map<string, { credential: CachedCredential; until: number }>();

  get(key: string): CachedCredential | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= performance.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.credential;
  }

  set(key: string, credential: CachedCredential): void {
    // Many distinct credentials in a few seconds is not a steady state: start again.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { credential, until: performance.now() + AUTH_CACHE_MS });
  }

  /** A yes/no fact about a user checked on every request (must they enrol a second factor?). */
  getFact(key: string): boolean | undefined {
    const entry = this.facts.get(key);
    if (!entry) return undefined;
    if (entry.until <= performance.now()) {
      this.facts.delete(key);
      return undefined;
    }
    return entry.value;
  }

  setFact(key: string, value: boolean): void {
    if (this.facts.size >= MAX_ENTRIES) this.facts.clear();
    this.facts.set(key, { value, until: performance.now() + AUTH_CACHE_MS });
  }

  /** After any change to accounts, tokens or sessions: nothing cached may outlive it. */
  clear(): void {
    this.entries.clear();
    this.facts.clear();
  }

  private readonly facts = new Map<string, { value: boolean; until: number }>();
}
