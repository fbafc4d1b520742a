import type { Db } from '../../store/database.js';
import type { PeerCoverageRow, ShiftRow, WebhookRow } from './hotline.table.js';

// The hotline's set-up: the duty roster, the settings (the ladder), the webhooks, and the
// coverage the peers told us.

export function listShifts(db: Db): Promise<ShiftRow[]> {
  return db
    .selectFrom('hotline_shifts')
    .selectAll()
    .orderBy('tier')
    .orderBy('start_time')
    .orderBy('id')
    .execute();
}

export function findShift(db: Db, id: string): Promise<ShiftRow | undefined> {
  return db.selectFrom('hotline_shifts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function readSetting(db: Db, key: string): Promise<unknown> {
  const row = await db
    .selectFrom('hotline_settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as unknown) : undefined;
}

export async function writeSetting(db: Db, key: string, value: unknown, at: number): Promise<void> {
  await db.deleteFrom('hotline_settings').where('key', '=', key).execute();
  await db
    .insertInto('hotline_settings')
    .values({ key, value: JSON.stringify(value), updated_at: at })
    .execute();
}

export function listWebhooks(db: Db): Promise<WebhookRow[]> {
  return db.selectFrom('hotline_webhooks').selectAll().orderBy('name').orderBy('id').execute();
}

export function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('hotline_webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertShift(db: Db, row: ShiftRow): Promise<void> {
  await db.insertInto('hotline_shifts').values(row).execute();
}

/** Writes every field of the shift but its id and when it was created. */
export async function updateShift(db: Db, row: ShiftRow): Promise<void> {
  const { id, created_at: _created, ...changes } = row;
  await db.updateTable('hotline_shifts').set(changes).where('id', '=', id).execute();
}

export async function deleteShift(db: Db, id: string): Promise<void> {
  await db.deleteFrom('hotline_shifts').where('id', '=', id).execute();
}

export async function insertWebhook(db: Db, row: WebhookRow): Promise<void> {
  await db.insertInto('hotline_webhooks').values(row).execute();
}

/** Writes every field of the webhook but its id and when it was created. */
export async function updateWebhook(db: Db, row: WebhookRow): Promise<void> {
  const { id, created_at: _created, ...changes } = row;
  await db.updateTable('hotline_webhooks').set(changes).where('id', '=', id).execute();
}

export async function deleteWebhook(db: Db, id: string): Promise<void> {
  await db.deleteFrom('hotline_webhooks').where('id', '=', id).execute();
}

export function findPeerCoverage(db: Db, peerId: string): Promise<PeerCoverageRow | undefined> {
  return db
    .selectFrom('hotline_peer_coverage')
    .selectAll()
    .where('peer_id', '=', peerId)
    .executeTakeFirst();
}

/** Keeps only the latest coverage a peer told us. */
export async function replacePeerCoverage(
  db: Db,
  peerId: string,
  receivedAt: number,
  body: string,
): Promise<void> {
  await db.deleteFrom('hotline_peer_coverage').where('peer_id', '=', peerId).execute();
  await db
    .insertInto('hotline_peer_coverage')
    .values({ peer_id: peerId, received_at: receivedAt, body })
    .execute();
}
