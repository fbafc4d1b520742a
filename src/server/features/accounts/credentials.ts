import type { Db } from '../../store/database.js';
import * as repo from './accounts.repository.js';
import type { UserRow } from './accounts.table.js';
import { hashPassword, needsRehash, verifyDummy, verifyPassword } from './passwords.js';

/**
 * A password offered at the login form or by HTTP Basic (TAXII clients). Both are throttled
 * per account and per address, separately: after LOGIN_MAX_FAILURES failures of one account
 * within LOGIN_WINDOW_MS, that account is refused until its oldest failure leaves the window;
 * an address is refused only after ADDRESS_MAX_FAILURES, so one person's mistakes behind a
 * proxy or a NAT do not lock out everyone else there, while guessing across many accounts
 * from one address still stops.
 */
export const LOGIN_WINDOW_MS = 60_000;
export const LOGIN_MAX_FAILURES = 5;
export const ADDRESS_MAX_FAILURES = 30;

/** Usernames are compared trimmed and in lower case. */
export function normalizeUsername(input: string): string {
  return input.trim().toLowerCase();
}

/** The throttle's keys for one attempt: the account tried and the address it came from. */
export function throttleKeys(username: string, address: string): string[] {
  return [`account:${username}`, `address:${address}`];
}

/** Seconds until an attempt on these keys is allowed again; undefined when it is now. */
export async function throttledSeconds(
  db: Db,
  keys: string[],
  now: number,
): Promise<number | undefined> {
  const recent = await repo.recentLoginFailures(db, keys, now - LOGIN_WINDOW_MS);
  const limitOf = (key: string) =>
    key.startsWith('address:') ? ADDRESS_MAX_FAILURES : LOGIN_MAX_FAILURES;
  const blocked = recent.filter((r) => r.count >= limitOf(r.key));
  if (blocked.length === 0) return undefined;
  const retryAt = Math.max(...blocked.map((r) => r.oldest + LOGIN_WINDOW_MS));
  return Math.max(1, Math.ceil((retryAt - now) / 1000));
}

/**
 * The user whose username and password these are, or undefined. An unknown username costs
 * the time of a real check, so it cannot be told from a wrong password by timing. A right
 * password whose hash has older settings is hashed again with today's.
 */
export async function checkCredentials(
  db: Db,
  username: string,
  password: string,
): Promise<UserRow | undefined> {
  const user = await repo.findUserByUsername(db, username);
  const ok = user
    ? await verifyPassword(user.password_hash, password)
    : (await verifyDummy(password), false);
  if (!ok || !user) return undefined;
  if (needsRehash(user.password_hash)) {
    const stronger = await hashPassword(password);
    await repo.upgradePasswordHash(db, user.id, user.password_hash, stronger);
    return { ...user, password_hash: stronger };
  }
  return user;
}
