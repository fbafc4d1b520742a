import { z } from 'zod';
import type {
  SearchHit,
  SearchKind,
  SearchQuery,
  SearchResults,
} from '../../../core/schemas/search.js';
import { parseQuery, type ParsedQuery } from '../../../core/search/text.js';
import type { Actor } from '../../actor.js';
import { badRequest } from '../../errors.js';
import type { Db, Store } from '../../store/database.js';
import {
  addDocsToCase,
  countWords,
  deleteDocs,
  exactPage,
  findDocIds,
  insertDocs,
  wordsPage,
  type IndexedDoc,
  type SearchScope,
} from './search.repository.js';
import { prepareSearchDoc, type SearchDoc } from './search.prepare.js';
import { SearchProviders, type SearchProvider } from './search.providers.js';
import type { SearchDocRow } from './search.table.js';

/** When more items than this hold the words, they are shown newest first, not ranked. */
export const RANK_LIMIT = 10_000;
/** Candidates are checked against the providers this many at a time. */
const CHUNK = 200;
/** A page looks at no more candidates than this (the viewer may see few of many). */
const MAX_EXAMINED = 5_000;

/** Where a page ends: the phase (0: exact values, 1: words), the offset in it, the ranking. */
const Cursor = z.object({
  phase: z.union([z.literal(0), z.literal(1)]),
  offset: z.number().int().min(0),
  ranked: z.boolean().optional(),
});
type Cursor = z.infer<typeof Cursor>;

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string | undefined): Cursor {
  if (text === undefined) return { phase: 0, offset: 0 };
  try {
    return Cursor.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw badRequest(
      'invalid_cursor',
      'The cursor is not one this node gave: pass the `next` of the previous page unchanged.',
    );
  }
}

/** What a search with one query keeps from page to page. */
interface Plan {
  parsed: ParsedQuery;
  scope: SearchScope;
}

/**
 * Full-text search over what the features index (requests, notes, calls, cases, objects).
 * Features write their items in their own transactions (`index`, `remove`) and say who may
 * see them (`provide`); a search looks up the query's values exactly, then its words,
 * and keeps what the viewer may see.
 */
export class SearchService {
  private readonly providers = new SearchProviders();

  constructor(private readonly deps: { store: Store }) {}

  /** Registers the rule for one kind of item (a feature's module does, once). */
  provide(kind: SearchKind, provider: SearchProvider): void {
    this.providers.provide(kind, provider);
  }

  /**
   * Adds or replaces items, in the caller's transaction; written in bulk (a batch of an
   * import of a million objects is one call).
   */
  async index(trx: Db, docs: readonly SearchDoc[]): Promise<void> {
    if (docs.length === 0) return;
    const latest = new Map(docs.map((doc) => [`${doc.kind}:${doc.refId}`, doc]));
    const unique = [...latest.values()];
    await this.indexPrepared(trx, unique.map(prepareSearchDoc));
  }

  /**
   * Adds items prepared already (prepareSearchDoc, on an import's worker thread, say).
   * `fresh`: the caller knows none of them is indexed yet (objects new to the node), so
   * nothing is looked up to be replaced.
   */
  async indexPrepared(trx: Db, docs: readonly IndexedDoc[], fresh = false): Promise<void> {
    if (docs.length === 0) return;
    if (!fresh) {
      for (const kind of new Set(docs.map((doc) => doc.kind))) {
        const refIds = docs.filter((doc) => doc.kind === kind).map((doc) => doc.refId);
        await deleteDocs(trx, this.deps.store.dialect, await findDocIds(trx, kind, refIds));
      }
    }
    await insertDocs(this.deps.store, trx, docs);
  }

  /** Removes items, in the caller's transaction. */
  async remove(trx: Db, kind: SearchKind, refIds: readonly string[]): Promise<void> {
    await deleteDocs(trx, this.deps.store.dialect, await findDocIds(trx, kind, refIds));
  }

  /** Puts items already indexed into one more case, without indexing their words again. */
  async addToCase(
    trx: Db,
    kind: SearchKind,
    refIds: readonly string[],
    caseId: string,
  ): Promise<void> {
    await addDocsToCase(this.deps.store, trx, kind, refIds, caseId);
  }

  /**
   * One page of hits: the items naming one of the query's values (newest first), then those
   * holding all its words (best first, or newest first past RANK_LIMIT matches), each only
   * if the viewer may see it.
   */
  async search(actor: Actor, query: SearchQuery): Promise<SearchResults> {
    const parsed = parseQuery(query.q);
    if (parsed.values.length === 0 && parsed.words.length === 0) {
      throw badRequest(
        'empty_query',
        'The search holds no word, address or other value to look for: punctuation alone is not searched.',
      );
    }
    const kinds = query.kind?.split(',') as SearchKind[] | undefined;
    const plan: Plan = {
      parsed,
      scope: { ...(kinds ? { kinds } : {}), ...(query.case ? { caseId: query.case } : {}) },
    };
    let cursor: Cursor | null = decodeCursor(query.cursor);
    const hits: SearchHit[] = [];
    let examined = 0;
    while (cursor && hits.length < query.limit && examined < MAX_EXAMINED) {
      const step = await this.step(actor, plan, cursor, query.limit - hits.length);
      hits.push(...step.hits);
      examined += step.examined;
      cursor = step.next;
    }
    return { q: query.q, hits, next: cursor ? encodeCursor(cursor) : null };
  }

  /**
   * Reads one chunk of candidates from where `cursor` stands, keeps up to `wanted` the
   * actor may see, and says where the next step starts (null: nothing more).
   */
  private async step(
    actor: Actor,
    plan: Plan,
    cursor: Cursor,
    wanted: number,
  ): Promise<{ hits: SearchHit[]; examined: number; next: Cursor | null }> {
    const { values, words } = plan.parsed;
    const wordsNext: Cursor | null = words.length > 0 ? { phase: 1, offset: 0 } : null;
    if (cursor.phase === 0 && values.length === 0)
      return { hits: [], examined: 0, next: wordsNext };
    const ranked =
      cursor.phase === 0
        ? false
        : (cursor.ranked ??
          (await countWords(this.deps.store.db, this.deps.store.dialect, words, RANK_LIMIT + 1)) <=
            RANK_LIMIT);
    const page = { offset: cursor.offset, limit: CHUNK };
    const rows =
      cursor.phase === 0
        ? await exactPage(this.deps.store.db, values, plan.scope, page)
        : await wordsPage(
            this.deps.store.db,
            this.deps.store.dialect,
            { words, exceptValues: values, ranked },
            plan.scope,
            page,
          );
    const match = cursor.phase === 0 ? 'exact' : ranked ? 'words' : 'recent';
    const { hits, used } = await this.keepVisible(actor, plan, rows, wanted, match);
    const here: Cursor = {
      ...cursor,
      offset: cursor.offset + used,
      ...(cursor.phase === 1 ? { ranked } : {}),
    };
    const exhausted = rows.length < CHUNK && used === rows.length;
    const next = !exhausted ? here : cursor.phase === 0 ? wordsNext : null;
    return { hits, examined: used, next };
  }

  /** The rows the actor may see, up to `wanted`, and how many rows that took. */
  private async keepVisible(
    actor: Actor,
    plan: Plan,
    rows: readonly SearchDocRow[],
    wanted: number,
    match: SearchHit['match'],
  ): Promise<{ hits: SearchHit[]; used: number }> {
    const candidates = rows.map((row) => ({
      kind: row.kind,
      refId: row.ref_id,
      caseId: plan.scope.caseId ?? row.case_id,
    }));
    const places = await this.providers.visible(actor, candidates);
    const hits: SearchHit[] = [];
    let used = 0;
    for (const [i, row] of rows.entries()) {
      if (hits.length === wanted) break;
      used++;
      const place = places.get(`${row.kind}:${row.ref_id}`);
      if (!place) continue;
      hits.push({
        kind: row.kind,
        id: row.ref_id,
        title: row.title,
        snippet: row.snippet,
        caseId: candidates[i]?.caseId ?? null,
        link: place.link,
        match,
        ...(place.tlp ? { tlp: place.tlp } : {}),
      });
    }
    return { hits, used };
  }
}
