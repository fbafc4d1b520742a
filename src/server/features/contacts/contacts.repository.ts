import type { Db } from '../../store/database.js';
import type { ContactRow } from './contacts.table.js';

export function findContact(db: Db, id: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listContacts(db: Db, nodeId?: string): Promise<ContactRow[]> {
  let query = db.selectFrom('contacts').selectAll();
  if (nodeId) query = query.where('node_id', '=', nodeId);
  return query.orderBy('node_id').orderBy('name').execute();
}

export function listPublished(db: Db, nodeId: string): Promise<ContactRow[]> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('node_id', '=', nodeId)
    .where('published', '=', 1)
    .orderBy('name')
    .execute();
}

export async function upsertContact(db: Db, row: ContactRow): Promise<void> {
  const existing = await findContact(db, row.id);
  if (existing) {
    const { id: _id, created_at: _created, ...changes } = row;
    await db.updateTable('contacts').set(changes).where('id', '=', row.id).execute();
  } else {
    await db.insertInto('contacts').values(row).execute();
  }
}

export async function deleteContact(db: Db, id: string, nodeId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('contacts')
    .where('id', '=', id)
    .where('node_id', '=', nodeId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
