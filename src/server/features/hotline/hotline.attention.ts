import type { Priority } from '../../../core/hotline.js';
import type { AttentionLevel } from '../../../core/schemas/attention.js';
import { can, type Actor } from '../../actor.js';
import { iso } from '../../clock.js';
import type { Db } from '../../store/database.js';
import type { AttentionService, Awaiting } from '../attention/public.js';

const LEVEL: Readonly<Record<Priority, AttentionLevel>> = {
  routine: 'routine',
  urgent: 'urgent',
  flash: 'emergency',
};

/**
 * Calls from peers not yet acknowledged wait on whoever may answer them; those the ladder
 * has already escalated past their first rung are overdue.
 */
async function awaitingCalls(db: Db, actor: Actor): Promise<Awaiting | null> {
  if (!can(actor, 'hotline.answer')) return null;
  const open = db
    .selectFrom('hotline_calls')
    .where('direction', '=', 'in')
    .where('state', 'in', ['delivered', 'seen']);
  const counted = await open
    .select((eb) => [
      eb.fn.countAll<string | number>().as('n'),
      eb.fn
        .sum<string | number | null>(eb.case().when('rung', '>', 1).then(1).else(0).end())
        .as('late'),
    ])
    .executeTakeFirst();
  const rows = await open
    .select([
      'id',
      'peer_id',
      'subject',
      'priority',
      'delivered_at',
      'created_at',
      'rung_deadline_at',
    ])
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  return {
    count: Number(counted?.n ?? 0),
    overdue: Number(counted?.late ?? 0),
    incoming: rows.map((row) => ({
      area: 'hotline',
      id: row.id,
      peer: row.peer_id,
      title: row.subject,
      reference: null,
      level: LEVEL[row.priority],
      receivedAt: iso(Number(row.delivered_at ?? row.created_at)),
      dueAt: row.rung_deadline_at === null ? null : iso(Number(row.rung_deadline_at)),
    })),
  };
}

export function registerCallAttention(attention: AttentionService): void {
  attention.provide('hotline', awaitingCalls);
}
