import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type Dispatch,
  type SetStateAction,
} from 'react';
import { useTranslation } from 'react-i18next';

/** Sets the document title to "<page> · Liaison", in the current language. */
export function usePageTitle(page: string): void {
  const { t } = useTranslation();
  const title = t('app.pageTitle', { page });
  useEffect(() => {
    document.title = title;
  }, [title]);
}

/** The current time, updated on each new second. */
export function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const current = new Date();
      setNow(current);
      timer = setTimeout(tick, 1000 - current.getMilliseconds());
    };
    timer = setTimeout(tick, 1000 - new Date().getMilliseconds());
    return () => clearTimeout(timer);
  }, []);
  return now;
}

export interface Loaded<T> {
  /** null until the first answer (and again while a new query loads). */
  data: T | null;
  setData: Dispatch<SetStateAction<T | null>>;
  error: unknown;
  setError: Dispatch<SetStateAction<unknown>>;
  /** Loads again (after a live event, an action). */
  reload: () => Promise<void>;
}

/**
 * Loads what `fetcher` returns, keeping the last error; loads again whenever `fetcher`
 * changes (wrap it in useCallback with the query's dependencies).
 */
export function useLoader<T>(fetcher: () => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      setData(await fetcher());
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, [fetcher]);
  useEffect(() => {
    setData(null);
    void reload();
  }, [reload]);
  return { data, setData, error, setError, reload };
}

/**
 * `run` at most once at a time: a call while it runs makes it run once more afterwards,
 * so a burst of live events gives two loads, and the last one starts after the last event.
 */
export function useCoalesced(run: () => Promise<void>): () => void {
  const latest = useRef(run);
  useEffect(() => {
    latest.current = run;
  }, [run]);
  const state = useRef({ running: false, again: false });
  return useCallback(() => {
    const current = state.current;
    if (current.running) {
      current.again = true;
      return;
    }
    current.running = true;
    void (async () => {
      try {
        do {
          current.again = false;
          await latest.current();
        } while (current.again);
      } finally {
        current.running = false;
      }
    })();
  }, []);
}
