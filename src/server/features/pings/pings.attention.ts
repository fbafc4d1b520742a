import { can, type Actor } from '../../actor.js';
import { iso } from '../../clock.js';
import type { Db } from '../../store/database.js';
import type { AttentionService, Awaiting } from '../attention/public.js';

/** A peer's ping not yet acknowledged waits on the duty officer's one click. */
async function awaitingPings(db: Db, actor: Actor): Promise<Awaiting | null> {
  if (!can(actor, 'pings.answer')) return null;
  const pending = db
    .selectFrom('pings')
    .where('direction', '=', 'in')
    .where('acknowledged_at', 'is', null);
  const counted = await pending
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  const rows = await pending
    .select(['id', 'peer_id', 'contact_name', 'sent_at'])
    .orderBy('sent_at', 'desc')
    .limit(50)
    .execute();
  return {
    count: Number(counted?.n ?? 0),
    overdue: 0,
    incoming: rows.map((row) => ({
      area: 'pings',
      id: row.id,
      peer: row.peer_id,
      title: row.contact_name,
      reference: null,
      level: 'routine',
      receivedAt: iso(Number(row.sent_at)),
      dueAt: null,
    })),
  };
}

export function registerPingAttention(attention: AttentionService): void {
  attention.provide('pings', awaitingPings);
}
