import type { Db } from '../../store/database.js';
import { allAccess, listCollections } from './taxii.repository.js';
import type { TaxiiAccessRow, TaxiiCollectionRow } from './taxii.table.js';

/** How long the collections and their grants are served from memory without asking again. */
export const ACCESS_CACHE_MS = 5_000;

interface Snapshot {
  collections: Map<string, TaxiiCollectionRow>;
  /** Grants by principal (`user:<id>`, `token:<id>`). */
  grants: Map<string, TaxiiAccessRow[]>;
  until: number;
}

/**
 * The collections and who may use them, read whole (an admin defines a handful) and kept a
 * few seconds, so that a page of a collection costs one query, its own. A change made
 * through this process (collections.service.ts) clears it at once; one made by another
 * process sharing the database (PostgreSQL) is seen within ACCESS_CACHE_MS: a withdrawn grant
 * is honoured within those seconds. Freshness is on monotonic time, not the node's clock.
 */
export class CollectionAccess {
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;

  constructor(private readonly db: () => Db) {}

  async collection(id: string): Promise<TaxiiCollectionRow | undefined> {
    return (await this.current()).collections.get(id);
  }

  async collections(): Promise<TaxiiCollectionRow[]> {
    return [...(await this.current()).collections.values()];
  }

  /** The grants of any of these principals, on any collection. */
  async grantsOf(principals: readonly string[]): Promise<TaxiiAccessRow[]> {
    const { grants } = await this.current();
    return principals.flatMap((principal) => grants.get(principal) ?? []);
  }

  /** After a collection or its grants changed. */
  clear(): void {
    this.snapshot = undefined;
    this.loading = undefined;
  }

  private async current(): Promise<Snapshot> {
    if (this.snapshot && this.snapshot.until > performance.now()) return this.snapshot;
    // Concurrent requests share one read.
    const loading = (this.loading ??= this.load());
    try {
      const snapshot = await loading;
      if (this.loading === loading) this.snapshot = snapshot;
      return snapshot;
    } finally {
      if (this.loading === loading) this.loading = undefined;
    }
  }

  private async load(): Promise<Snapshot> {
    const db = this.db();
    const [rows, access] = await Promise.all([listCollections(db), allAccess(db)]);
    const grants = new Map<string, TaxiiAccessRow[]>();
    for (const grant of access) {
      grants.set(grant.principal, [...(grants.get(grant.principal) ?? []), grant]);
    }
    return {
      collections: new Map(rows.map((row) => [row.id, row])),
      grants,
      until: performance.now() + ACCESS_CACHE_MS,
    };
  }
}
