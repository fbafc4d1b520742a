import type {
  AttentionArea,
  AttentionView,
  IncomingItem,
} from '../../../core/schemas/attention.js';
import { ATTENTION_LEVELS } from '../../../core/schemas/attention.js';
import type { Actor } from '../../actor.js';
import type { Db } from '../../store/database.js';
import type { FeatureContext } from '../module.js';

/** What one feature says waits on a user: a count, the overdue among it, the new items. */
export interface Awaiting {
  count: number;
  overdue: number;
  incoming: IncomingItem[];
}

/** A feature's answer for `actor`, or null when the actor has no part in it. */
export type AttentionProvider = (db: Db, actor: Actor, now: number) => Promise<Awaiting | null>;

const MAX_INCOMING = 50;
const LEVEL_RANK = new Map(ATTENTION_LEVELS.map((level, i) => [level, i]));

/**
 * What awaits the user's action, across the features. It comes early in the list of
 * features: requests, the hotline and pings register what they count (the search feature's
 * pattern), and nothing here knows their tables.
 */
export class AttentionService {
  private readonly providers = new Map<AttentionArea, AttentionProvider>();

  constructor(private readonly deps: Pick<FeatureContext, 'store' | 'clock'>) {}

  provide(area: AttentionArea, provider: AttentionProvider): void {
    this.providers.set(area, provider);
  }

  async forActor(actor: Actor): Promise<AttentionView> {
    const now = this.deps.clock.now();
    const view: AttentionView = {
      counts: { requests: 0, hotline: 0, pings: 0 },
      overdue: { requests: 0, hotline: 0, pings: 0 },
      incoming: [],
    };
    for (const [area, provider] of this.providers) {
      const awaiting = await provider(this.deps.store.db, actor, now);
      if (!awaiting) continue;
      view.counts[area] = awaiting.count;
      view.overdue[area] = awaiting.overdue;
      view.incoming.push(...awaiting.incoming);
    }
    // The most pressing first, then the soonest due, then the newest.
    view.incoming.sort(
      (a, b) =>
        (LEVEL_RANK.get(b.level) ?? 0) - (LEVEL_RANK.get(a.level) ?? 0) ||
        (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9') ||
        b.receivedAt.localeCompare(a.receivedAt),
    );
    view.incoming = view.incoming.slice(0, MAX_INCOMING);
    return view;
  }
}
