import type { Db } from '../../store/database.js';

/** Queries of the second factor: the TOTP columns of `users` and the `recovery_codes` table. */

/** Starts (or restarts) an enrolment: a new secret, not yet active. */
export async function setPendingSecret(db: Db, userId: string, secret: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: secret, totp_enabled_at: null, totp_last_step: null })
    .where('id', '=', userId)
    .where('totp_enabled_at', 'is', null)
    .execute();
}

/**
 * Takes the code of time step `step`: true only if no code of this step or a later one was
 * taken before (one statement, so two requests racing with the same code cannot both win).
 */
export async function takeStep(db: Db, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function enableSecondFactor(db: Db, userId: string, at: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_enabled_at: at, updated_at: at })
    .where('id', '=', userId)
    .execute();
}

/** Removes the factor and its recovery codes. */
export async function removeSecondFactor(db: Db, userId: string, at: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null, updated_at: at })
    .where('id', '=', userId)
    .execute();
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

/** Replaces the user's recovery codes with these (hashes). */
export async function replaceRecoveryCodes(
  db: Db,
  userId: string,
  hashes: string[],
  at: number,
): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('recovery_codes')
    .values(
      hashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: at, used_at: null })),
    )
    .execute();
}

/** Spends a recovery code: true only if it was the user's and unused (one statement). */
export async function useRecoveryCode(
  db: Db,
  userId: string,
  hash: string,
  at: number,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countRecoveryCodesLeft(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}
