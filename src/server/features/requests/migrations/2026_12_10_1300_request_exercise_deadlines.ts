import type { Kysely } from 'kysely';

/**
 * An exercise request's deadlines on the exercise clock (issue 17): `exercise_deadlines`
 * holds them in exercise time (JSON, the same on both nodes), `exercise_time` the exercise
 * clock as last told (JSON), so the wall instants they map to can be shown; the timers at
 * those instants are tracked in `request_deadline_timers`, to be set again on every clock
 * move. Real requests keep these null and have no rows there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').addColumn('exercise_deadlines', 'text').execute();
  await db.schema.alterTable('requests').addColumn('exercise_time', 'text').execute();
  await db.schema
    .createTable('request_deadline_timers')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('alert', 'text', (c) => c.notNull())
    .addColumn('timer_id', 'text')
    .addPrimaryKeyConstraint('request_deadline_timers_pk', ['request_id', 'deadline', 'alert'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('request_deadline_timers').execute();
  await db.schema.alterTable('requests').dropColumn('exercise_time').execute();
  await db.schema.alterTable('requests').dropColumn('exercise_deadlines').execute();
}
