import {
  HOTLINE_UPDATE_KIND,
  type CallDetail,
  type CallView,
  type HotlineUpdateMessage,
} from '../../../core/schemas/hotline.js';
import { ROLES } from '../../../core/roles.js';
import { notFound } from '../../errors.js';
import type { HotlineAlertReason } from '../../events.js';
import type { Db, TxHooks } from '../../store/database.js';
import type { FeatureContext } from '../module.js';
import type { SearchService } from '../search/public.js';
import { presentCall, presentCallDetail } from './hotline.present.js';
import { findCall, listCallEvents } from './hotline.repository.js';
import { callDoc } from './hotline.search.js';
import type { CallRow } from './hotline.table.js';

/** Who is alerted when a call names nobody in particular. */
const ANSWERERS = ['admin', 'officer'] as const;

/** A step of a call, as told to the peer: what the step did, and when. */
export type CallUpdate = Partial<HotlineUpdateMessage> & Pick<HotlineUpdateMessage, 'state' | 'at'>;

/** A call with its timeline, as the API answers it. */
export async function callDetail(db: Db, id: string): Promise<CallDetail> {
  const row = await findCall(db, id);
  if (!row) throw notFound('call_not_found', `No call has the id ${id}.`);
  return presentCallDetail(row, await listCallEvents(db, id));
}

/**
 * Telling others of a call: every screen (`hotline.changed`), the people it alerts
 * (`hotline.alert`), the peer (`liaison.hotline.update`) and the search. Live events go
 * out after the commit; the peer's message and the search's copy are written in the
 * transaction.
 */
export class CallNews {
  constructor(
    private readonly deps: Pick<FeatureContext, 'store' | 'bus' | 'federation'> & {
      search: SearchService;
    },
  ) {}

  /** Writes the call as it now is to the search, and publishes its state after the commit. */
  async publish(trx: Db, hooks: TxHooks, id: string): Promise<void> {
    const row = await findCall(trx, id);
    if (!row) return;
    await this.deps.search.index(trx, [callDoc(row)]);
    hooks.afterCommit(() => this.changedNow(presentCall(row)));
  }

  /** Publishes a call's current state (after the notifier wrote on its timeline). */
  async republish(id: string): Promise<void> {
    const row = await findCall(this.deps.store.db, id);
    if (row) this.changedNow(presentCall(row));
  }

  changedNow(call: CallView): void {
    this.deps.bus.publish('hotline.changed', { call }, { roles: ROLES });
  }

  /** Alerts `userIds`, or every answerer when there are none. */
  alertNow(call: CallView, reason: HotlineAlertReason, userIds: readonly string[]): void {
    this.deps.bus.publish(
      'hotline.alert',
      { call, reason },
      userIds.length > 0 ? { userIds: [...userIds] } : { roles: ANSWERERS },
    );
  }

  /** Alerts whoever placed our call (after the commit). */
  async alertCaller(
    trx: Db,
    hooks: TxHooks,
    callId: string,
    reason: HotlineAlertReason,
  ): Promise<void> {
    const row = (await findCall(trx, callId)) as CallRow;
    const userIds = row.caller_user_id ? [row.caller_user_id] : [];
    hooks.afterCommit(() => this.alertNow(presentCall(row), reason, userIds));
  }

  async tellPeer(trx: Db, hooks: TxHooks, row: CallRow, update: CallUpdate): Promise<void> {
    const message: HotlineUpdateMessage = {
      callId: row.id,
      by: null,
      rung: null,
      rungs: null,
      rungDeadlineAt: null,
      outcome: null,
      ...update,
    };
    await this.deps.federation.send(trx, hooks, row.peer_id, HOTLINE_UPDATE_KIND, message);
  }
}
