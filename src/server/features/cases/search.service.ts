import { randomUUID } from 'node:crypto';
import { nodeIdentity } from '../../../core/stix/ids.js';
import { markingDefinitionOf } from '../../../core/stix/tlp.js';
import { bulkMayCarry, TLP_LEVELS } from '../../../core/tlp-rules.js';
import { authorize, type Actor } from '../../actor.js';
import { listPeerRows } from '../../federation/peers.js';
import type { Db } from '../../store/database.js';
import { exportable } from './cases.gate.js';
import {
  authorsAndMarkings,
  exportPage,
  findCase,
  objectsWithValue,
  findObject,
  type ExportFilter,
} from './cases.repository.js';
import type { CaseSupport } from './cases.support.js';
import type { StixObjectRow } from './cases.table.js';

type Stix = Record<string, unknown>;

/** Objects read per page of an export. */
const EXPORT_PAGE = 1000;

/**
 * Finding what the cases hold, as far as the reader may see it: the search box, search
 * and exact lookup across cases, and the STIX bundle export (never RED).
 */
export class SearchService {
  constructor(private readonly support: CaseSupport) {}

  private get deps() {
    return this.support.deps;
  }

  /**
   * Objects of every case whose values or words match, through the full-text index (the
   * search feature: exact values first, then words, ranked), of one type if asked.
   */
  async search(actor: Actor, query: { q: string; type?: string; limit: number }) {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const found = await this.deps.search.search(actor, {
      q: query.q,
      kind: 'object',
      limit: Math.min(query.limit, 200),
    });
    const rows: StixObjectRow[] = [];
    for (const hit of found.hits) {
      const row = await findObject(db, hit.id);
      if (!row || !this.support.readable(actor, row)) continue;
      if (query.type === undefined || row.type === query.type) rows.push(row);
    }
    return this.withCaseTitles(db, rows.slice(0, query.limit));
  }

  /**
   * "Have we seen 203.0.113.7?": the objects, in every case, that name the value exactly (an
   * observable's value, a hash, a literal of an indicator's pattern), that this user may see.
   */
  async lookup(actor: Actor, query: { value: string; limit: number }) {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    const value = query.value.trim().toLowerCase();
    const rows = (await objectsWithValue(db, value, query.limit * 4))
      .filter((row) => this.support.readable(actor, row))
      .slice(0, query.limit);
    return { value, ...(await this.withCaseTitles(db, rows)) };
  }

  private async withCaseTitles(db: Db, rows: StixObjectRow[]) {
    const titles = new Map<string, string>();
    const results = [];
    for (const row of rows) {
      if (!titles.has(row.case_id)) {
        titles.set(row.case_id, (await findCase(db, row.case_id))?.title ?? '');
      }
      results.push({
        caseId: row.case_id,
        caseTitle: titles.get(row.case_id) ?? '',
        object: await this.support.objectView(db, row),
      });
    }
    return { results };
  }

  /**
   * A STIX 2.1 bundle of a case, or of every case, as a stream of text: only what this user
   * may export (never RED), with the identities and markings it uses first. Objects are read
   * in pages, so a case of any size leaves in flat memory.
   */
  async *exportBundle(actor: Actor, filter: ExportFilter): AsyncGenerator<string> {
    authorize(actor, 'cases.read');
    const db = this.deps.store.db;
    if (filter.caseId !== undefined) await this.support.loadCase(db, filter.caseId);
    const head = await this.bundleHead(db, filter);
    // `objects` opens with the first object: a bundle with nothing in it has none (STIX
    // 2.1 forbids an empty list).
    yield `{"type":"bundle","id":"bundle--${randomUUID()}"`;
    let first = true;
    const lead = () => {
      const text = first ? ',"objects":[' : ',';
      first = false;
      return text;
    };
    for (const object of head) yield `${lead()}${JSON.stringify(object)}`;
    let after = '';
    for (;;) {
      const rows = await exportPage(db, filter, after, EXPORT_PAGE);
      if (rows.length === 0) break;
      let text = '';
      for (const row of rows) {
        if (!exportable(this.deps.nodeId, actor, row) || row.body === null) continue;
        text += `${lead()}${row.body}`;
      }
      if (text !== '') yield text;
      after = rows[rows.length - 1]?.id ?? after;
    }
    yield first ? '}' : ']}';
  }

  /** The identities of the authors and the marking definitions an export uses. */
  private async bundleHead(db: Db, filter: ExportFilter): Promise<Stix[]> {
    const used = await authorsAndMarkings(db, filter, TLP_LEVELS.filter(bulkMayCarry));
    const peers = new Map((await listPeerRows(db)).map((peer) => [peer.node_id, peer.name]));
    return [
      ...[...new Set(used.map((row) => row.origin_node))].map((node) =>
        nodeIdentity(
          node,
          node === this.deps.nodeId ? this.deps.nodeName : (peers.get(node) ?? node),
        ),
      ),
      ...[...new Set(used.map((row) => row.tlp))].map(markingDefinitionOf),
    ];
  }
}
