import type { Kysely } from 'kysely';

/**
 * Each node's copy of a case says whether its objects flow to the case's other nodes by
 * themselves (CaseFlow). On by default, also for the cases held already: participants were
 * added to a case to receive what it holds, and TLP still decides what may go.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('auto_share', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('auto_share').execute();
}
