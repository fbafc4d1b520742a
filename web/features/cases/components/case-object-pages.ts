import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from '../api';
import { ApiError } from '../../../app/client';
import type { ObjectsQuery, ObjectView } from '../../../app/types';
import '../i18n';

/** Objects asked for per page on the case page (the server's default; at most 500). */
export const OBJECTS_PAGE = 50;
/** Changed objects below the first page read again one by one after live events, at most. */
const STALE_READS = 10;

export interface ObjectPages {
  /** The objects loaded so far, in the query's order; null until the first page arrives. */
  objects: ObjectView[] | null;
  /** The cursor of the page after the loaded ones; null when nothing more matches. */
  next: string | null;
  error: unknown;
  loadingMore: boolean;
  loadMore: () => Promise<void>;
  /** Reads the first page again; `changed` names the objects live events were about. */
  refresh: (changed?: readonly string[]) => Promise<void>;
}

/**
 * The fresh first page, then the objects loaded after it that it does not hold (a page
 * loaded with "Load more" stays, so a live event never reads every loaded page again).
 */
export function withFreshFirstPage(
  loaded: readonly ObjectView[],
  fresh: readonly ObjectView[],
): ObjectView[] {
  const ids = new Set(fresh.map((o) => o.id));
  return [...fresh, ...loaded.filter((o) => !ids.has(o.id))];
}

/**
 * A case's objects, page by page, as `query` filters and sorts them: the first page when
 * the query changes, the next with `loadMore`. A case may hold a million objects, so the
 * page never asks for more than the user loads.
 */
export function useObjectPages(caseId: string, query: ObjectsQuery): ObjectPages {
  const [objects, setObjects] = useState<ObjectView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  // Answers to an older query (or case) are dropped: each load remembers the query it served.
  const generation = useRef(0);
  const state = useRef<{ objects: ObjectView[] | null; next: string | null }>({
    objects: null,
    next: null,
  });
  const { type, tlp, q, shared, sort } = query;
  const current = useCallback(
    (): ObjectsQuery => ({
      ...(type ? { type } : {}),
      ...(tlp ? { tlp } : {}),
      ...(q ? { q } : {}),
      ...(shared ? { shared } : {}),
      ...(sort ? { sort } : {}),
      limit: OBJECTS_PAGE,
    }),
    [type, tlp, q, shared, sort],
  );
  const show = (list: ObjectView[] | null, cursor: string | null) => {
    state.current = { objects: list, next: cursor };
    setObjects(list);
    setNext(cursor);
  };

  useEffect(() => {
    const mine = ++generation.current;
    show(null, null);
    setError(null);
    api.listCaseObjects(caseId, current()).then(
      (page) => {
        if (generation.current === mine) show(page.objects, page.next);
      },
      (failure: unknown) => {
        if (generation.current === mine) setError(failure);
      },
    );
  }, [caseId, current]);

  const loadMore = useCallback(async () => {
    const { objects: loaded, next: cursor } = state.current;
    if (loaded === null || cursor === null) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const page = await api.listCaseObjects(caseId, { ...current(), cursor });
      if (generation.current !== mine) return;
      const ids = new Set(loaded.map((o) => o.id));
      show([...loaded, ...page.objects.filter((o) => !ids.has(o.id))], page.next);
      setError(null);
    } catch (failure) {
      if (generation.current === mine) setError(failure);
    } finally {
      setLoadingMore(false);
    }
  }, [caseId, current]);

  const refresh = useCallback(
    async (changed?: readonly string[]) => {
      const mine = generation.current;
      try {
        const page = await api.listCaseObjects(caseId, current());
        if (generation.current !== mine) return;
        const { objects: loaded, next: cursor } = state.current;
        // Only the first page was loaded: it is simply read again.
        if (loaded === null || loaded.length <= OBJECTS_PAGE) {
          show(page.objects, page.next);
          setError(null);
          return;
        }
        let merged = withFreshFirstPage(loaded, page.objects);
        // Changed objects loaded further down: as they are now (feedback, shares too), or gone. (A burst of
        // changes is more than a few reads: those stay as they were until the next query.)
        const onFirst = new Set(page.objects.map((o) => o.id));
        const stale = (changed ?? [])
          .filter((id) => !onFirst.has(id) && merged.some((o) => o.id === id))
          .slice(0, STALE_READS);
        for (const id of stale) {
          try {
            const fresh = await api.getCaseObject(caseId, id);
            merged = merged.map((o) => (o.id === id ? fresh : o));
          } catch (failure) {
            if (!(failure instanceof ApiError && failure.status === 404)) throw failure;
            merged = merged.filter((o) => o.id !== id);
          }
        }
        if (generation.current !== mine) return;
        show(merged, cursor);
        setError(null);
      } catch (failure) {
        if (generation.current === mine) setError(failure);
      }
    },
    [caseId, current],
  );

  return { objects, next, error, loadingMore, loadMore, refresh };
}

/** What the attribution view reads: the dispute's relationships and the answers to them. */
export const ATTRIBUTION_TYPES = ['relationship', 'opinion', 'note'] as const;
/** Per type: the most the attribution view reads (the server's largest page). */
export const ATTRIBUTION_LIMIT = 500;

export interface TypedObjects {
  /** null until read. */
  objects: ObjectView[] | null;
  /** The types of which more objects exist than were read. */
  truncated: string[];
  error: unknown;
  reload: () => Promise<void>;
}

/**
 * The newest objects of a few types (one page each, at most 500): enough for the attribution
 * view without reading the case's indicators and observables, which may be a million.
 */
export function useObjectsOfTypes(caseId: string, types: readonly string[]): TypedObjects {
  const [objects, setObjects] = useState<ObjectView[] | null>(null);
  const [truncated, setTruncated] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const key = types.join(',');
  const reload = useCallback(async () => {
    try {
      const list = key.split(',');
      const pages = await Promise.all(
        list.map((type) => api.listCaseObjects(caseId, { type, limit: ATTRIBUTION_LIMIT })),
      );
      setObjects(pages.flatMap((page) => page.objects));
      setTruncated(list.filter((_, index) => pages[index]?.next != null));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, [caseId, key]);
  useEffect(() => {
    setObjects(null);
    void reload();
  }, [reload]);
  return { objects, truncated, error, reload };
}
