import { nodesOfCase } from '../../../core/tlp-rules.js';
import type { Db, TxHooks } from '../../store/database.js';
import { sendable } from './cases.gate.js';
import { findCase, sharesOfMany } from './cases.repository.js';
import type { CaseSupport } from './cases.support.js';
import type { CaseRow, StixObjectRow } from './cases.table.js';
import { caseObjectsAfter } from './members.repository.js';

/** Objects read per page when a whole case flows to a node. */
const FLOW_PAGE = 1000;

/**
 * Objects flow to the nodes of a case by themselves, as far as their markings allow, when
 * the case's automatic sharing is on (the default; each node sets it for its copy): what is
 * added or imported goes at once, in the same transaction, and a node that joins the case,
 * or a case whose sharing is switched on, gets what it lacks. Each object goes to each node
 * once; later versions follow it there as before (ObjectsService.propagate). What TLP keeps
 * here stays here, and the case page says "not shared" beside it.
 */
export class CaseFlow {
  constructor(private readonly support: CaseSupport) {}

  private get nodeId() {
    return this.support.deps.nodeId;
  }

  /** This node's new or changed objects of the case, to every other node of the case. */
  async objects(
    trx: Db,
    hooks: TxHooks,
    caseId: string,
    rows: readonly StixObjectRow[],
    now: number,
  ): Promise<void> {
    if (rows.length === 0) return;
    const caseRow = await findCase(trx, caseId);
    if (!caseRow || caseRow.auto_share !== 1) return;
    const scope = await this.support.scopeOf(trx, caseRow);
    const peers = nodesOfCase(scope).filter((node) => node !== this.nodeId);
    if (peers.length === 0) return;
    const had = await sharesOfMany(
      trx,
      rows.map((row) => row.id),
    );
    for (const row of rows) {
      for (const peer of peers) {
        if (had.get(row.id)?.includes(peer)) continue;
        if (!sendable(this.nodeId, row, scope, peer).ok) continue;
        await this.support.sendHistory(trx, hooks, caseId, row, scope, peer, now);
      }
    }
  }

  /** Every object of the case `peer` may have and does not, page by page (a node joined). */
  async caseTo(trx: Db, hooks: TxHooks, caseRow: CaseRow, peer: string, now: number) {
    if (caseRow.auto_share !== 1 || peer === this.nodeId) return;
    const scope = await this.support.scopeOf(trx, caseRow);
    let after = '';
    for (;;) {
      const page = await caseObjectsAfter(trx, caseRow.id, after, FLOW_PAGE);
      const had = await sharesOfMany(
        trx,
        page.map((row) => row.id),
      );
      for (const row of page) {
        if (row.deleted === 1 || had.get(row.id)?.includes(peer)) continue;
        if (!sendable(this.nodeId, row, scope, peer).ok) continue;
        await this.support.sendHistory(trx, hooks, caseRow.id, row, scope, peer, now);
      }
      const last = page[page.length - 1];
      if (!last || page.length < FLOW_PAGE) return;
      after = last.id;
    }
  }

  /** The whole case to each of its other nodes (its sharing was switched on). */
  async caseToAll(trx: Db, hooks: TxHooks, caseRow: CaseRow, now: number): Promise<void> {
    const scope = await this.support.scopeOf(trx, caseRow);
    for (const node of nodesOfCase(scope)) await this.caseTo(trx, hooks, caseRow, node, now);
  }
}
