import type { SearchKind } from '../../../core/schemas/search.js';
import type { TlpLevel } from '../../../core/tlp-rules.js';
import { can, type Actor } from '../../actor.js';
import type { Permission } from '../../../core/roles.js';

/** An item the index found, as its feature is asked about it. */
export interface SearchCandidate {
  /** The item's own id. */
  refId: string;
  /** The case the search is narrowed to, else the item's first case (or none). */
  caseId: string | null;
}

/** Where the web app shows an item, and what else a hit says of it. */
export interface SearchPlace {
  link: string;
  /** An object's marking. */
  tlp?: TlpLevel;
}

/**
 * What a feature tells the search about its items of one kind: which of them an actor may
 * see (by the same rule its own reads apply), and where each is shown. Asked a chunk at a
 * time; an item left out of the answer is not shown, so a kind without a provider is
 * never shown at all.
 */
export interface SearchProvider {
  visible(
    actor: Actor,
    items: readonly SearchCandidate[],
  ): Promise<ReadonlyMap<string, SearchPlace>> | ReadonlyMap<string, SearchPlace>;
}

/**
 * A provider for items whose every one is readable by whoever holds a permission (requests,
 * notes, calls, cases): the actor holds it or sees none of them.
 */
export function permitted(
  permission: Permission,
  linkOf: (item: SearchCandidate) => string,
): SearchProvider {
  return {
    visible(actor, items) {
      if (!can(actor, permission)) return new Map();
      return new Map(items.map((item) => [item.refId, { link: linkOf(item) }]));
    },
  };
}

/** The providers registered by the features, one per kind. */
export class SearchProviders {
  private readonly byKind = new Map<SearchKind, SearchProvider>();

  provide(kind: SearchKind, provider: SearchProvider): void {
    if (this.byKind.has(kind)) throw new Error(`a search provider for ${kind} is registered twice`);
    this.byKind.set(kind, provider);
  }

  /** Of `items`, those `actor` may see, by kind and ref id, with where each is shown. */
  async visible(
    actor: Actor,
    items: readonly (SearchCandidate & { kind: SearchKind })[],
  ): Promise<Map<string, SearchPlace>> {
    const out = new Map<string, SearchPlace>();
    const kinds = new Set(items.map((item) => item.kind));
    for (const kind of kinds) {
      const provider = this.byKind.get(kind);
      if (!provider) continue;
      const answer = await provider.visible(
        actor,
        items.filter((item) => item.kind === kind),
      );
      for (const [refId, place] of answer) out.set(`${kind}:${refId}`, place);
    }
    return out;
  }
}
