import type { Db } from '../../store/database.js';
import { caseDoc, objectDoc } from './cases.search.js';
import { valuesOf } from './cases.stix.js';
import type { CaseSupport } from './cases.support.js';

/** Objects indexed per transaction. */
const PAGE = 1000;

/**
 * Indexes the cases and objects held before the search existed (migration
 * 2026_12_03_1000_cases_in_search), in the background once the node has started: a page
 * of objects per transaction with the place reached, so a restart goes on from there.
 * Search finds them page by page as they go in; nothing else waits for it.
 */
export class SearchBackfill {
  private running: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly support: CaseSupport) {}

  start(): void {
    this.running = this.run().catch((error: unknown) => {
      this.support.deps.log.error({ err: error }, 'indexing the cases held before search failed');
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async run(): Promise<void> {
    const { store, log } = this.support.deps;
    let indexed = 0;
    while (!this.stopping) {
      const done = await store.transaction((trx) => this.page(trx));
      if (done === null) break;
      indexed += done;
    }
    if (indexed > 0) log.info({ objects: indexed }, 'cases held before search are indexed');
  }

  /** One page indexed; null when there was nothing left (the mark is then removed). */
  private async page(trx: Db): Promise<number | null> {
    const mark = await trx
      .selectFrom('cases_search_backfill')
      .selectAll()
      .where('name', '=', 'objects')
      .executeTakeFirst();
    if (!mark) return null;
    const search = this.support.deps.search;
    if (mark.after === '') {
      const cases = await trx.selectFrom('cases').selectAll().execute();
      await search.index(trx, cases.map(caseDoc));
    }
    const rows = await trx
      .selectFrom('stix_objects')
      .selectAll()
      .where('deleted', '=', 0)
      .where('id', '>', mark.after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    const last = rows[rows.length - 1];
    if (!last) {
      await trx.deleteFrom('cases_search_backfill').where('name', '=', 'objects').execute();
      return null;
    }
    const members = await trx
      .selectFrom('case_objects')
      .select(['case_id', 'object_id'])
      .where(
        'object_id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
    const casesOf = new Map<string, string[]>();
    for (const m of members)
      casesOf.set(m.object_id, [...(casesOf.get(m.object_id) ?? []), m.case_id]);
    await search.index(
      trx,
      rows.map((row) =>
        objectDoc(
          row,
          valuesOf(JSON.parse(row.body ?? '{}') as Record<string, unknown>),
          casesOf.get(row.id) ?? [row.case_id],
        ),
      ),
    );
    await trx
      .updateTable('cases_search_backfill')
      .set({ after: last.id })
      .where('name', '=', 'objects')
      .execute();
    return rows.length;
  }
}
