import type {
  FastifyRateLimitOptions,
  FastifyRateLimitStore,
  FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db } from '../store/database.js';
import './live.table.js';

/** One increment in PRUNE_EVERY (on average) also deletes the windows that have ended. */
const PRUNE_EVERY = 500;

/**
 * A store for @fastify/rate-limit that keeps its counts in `rate_counts`, so that the
 * processes of a node on PostgreSQL count one budget together (an address that spreads its
 * attempts over the processes behind a load balancer gets no more). One upsert per limited
 * request: the window starts with the first request of a key, as in the library's own store,
 * and times are real time (Date.now), not the node's clock.
 */
export function databaseRateStore(db: Db): FastifyRateLimitStoreCtor {
  return class DatabaseRateStore implements FastifyRateLimitStore {
    private readonly scope: string;

    constructor(
      options: FastifyRateLimitOptions & {
        routeInfo?: { method?: string | string[]; url?: string };
      },
    ) {
      const route = options.routeInfo;
      const method = Array.isArray(route?.method) ? route.method.join(',') : (route?.method ?? '');
      this.scope = `${method} ${route?.url ?? ''}`;
    }

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
      max: number,
    ): void {
      const now = Date.now();
      const name = `${this.scope}|${max}/${timeWindow}|${key}`.slice(0, 600);
      const end = now + timeWindow;
      sql<{ n: number; reset_at: number }>`
        insert into rate_counts (key, reset_at, n) values (${name}, ${end}, 1)
        on conflict (key) do update set
          n = case when rate_counts.reset_at <= ${now} then 1 else rate_counts.n + 1 end,
          reset_at = case when rate_counts.reset_at <= ${now} then ${end}
            else rate_counts.reset_at end
        returning n, reset_at`
        .execute(db)
        .then(({ rows }) => {
          const row = rows[0] as { n: number; reset_at: number };
          callback(null, { current: Number(row.n), ttl: Math.max(0, Number(row.reset_at) - now) });
          if (Math.random() * PRUNE_EVERY < 1) void prune(db, now);
        })
        .catch((error: unknown) => callback(error as Error));
    }

    child(routeOptions: FastifyRateLimitOptions): FastifyRateLimitStore {
      return new DatabaseRateStore(routeOptions);
    }
  };
}

async function prune(db: Db, now: number): Promise<void> {
  await db
    .deleteFrom('rate_counts')
    .where('reset_at', '<=', now)
    .execute()
    .catch(() => undefined);
}
