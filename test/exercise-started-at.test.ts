import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { up } from '../src/server/features/exercises/migrations/2026_12_10_1301_exercise_started_at.js';

/**
 * The migration that adds exercises.started_at (the AAR's start) backfills it from the
 * audited `start` move of each exercise started before it: the first one, its wall time;
 * an exercise never started stays null.
 */
describe('the started_at migration', () => {
  it('backfills the start from the audited start move', async () => {
    const db = new Kysely<any>({
      dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
    });
    try {
      await db.schema
        .createTable('exercises')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('action', 'text')
        .addColumn('entity_type', 'text')
        .addColumn('entity_id', 'text')
        .addColumn('details', 'text')
        .execute();
      await db
        .insertInto('exercises')
        .values([{ id: 'started' }, { id: 'ready' }])
        .execute();
      const clock = (seq: number, id: string, move: Record<string, unknown>) => ({
        seq,
        action: 'exercise.clock',
        entity_type: 'exercise',
        entity_id: id,
        details: JSON.stringify({ move }),
      });
      await db
        .insertInto('audit_log')
        .values([
          {
            seq: 1,
            action: 'exercise.propose',
            entity_type: 'exercise',
            entity_id: 'started',
            details: '{}',
          },
          clock(2, 'started', { kind: 'start', at: 1_700_000_000_000, speed: 60 }),
          clock(3, 'started', { kind: 'pause', at: 1_700_000_060_000 }),
        ])
        .execute();
      await up(db);
      const rows = (await db
        .selectFrom('exercises')
        .select(['id', 'started_at'])
        .orderBy('id')
        .execute()) as { id: string; started_at: number | null }[];
      const started = rows.map((r) => [r.id, r.started_at === null ? null : Number(r.started_at)]);
      expect(started).toEqual([
        ['ready', null],
        ['started', 1_700_000_000_000],
      ]);
    } finally {
      await db.destroy();
    }
  });
});
