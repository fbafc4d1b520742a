import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { AttentionView, IncomingItem } from '../../src/core/schemas/attention';
import { request } from './client';
import { useLiveEvent, type EventName } from './live-events';

/**
 * What waits on the user (GET /api/attention), fetched once for the whole shell: the menu's
 * counts, the home page's "New incoming" panel and the banner of urgent and emergency
 * requests all read this one copy. It is fetched again on the live events that can change
 * it; a burst of events makes one fetch.
 */

export type { AttentionView, IncomingItem };

interface AttentionContextValue {
  attention: AttentionView | null;
  error: unknown;
  reload: () => void;
}

const AttentionContext = createContext<AttentionContextValue | null>(null);

const EVENTS: readonly EventName[] = [
  'resync',
  'request.changed',
  'request.deleted',
  'request.deadline',
  'hotline.changed',
  'hotline.alert',
  'ping.changed',
];

/** Events often come in bursts (a move and its deadline): wait a moment, fetch once. */
const SETTLE_MS = 150;

export function getAttention(): Promise<AttentionView> {
  return request<AttentionView>('GET', '/api/attention');
}

/** Where an incoming item is handled. */
export function incomingPath(item: Pick<IncomingItem, 'area' | 'id'>): string {
  const id = encodeURIComponent(item.id);
  if (item.area === 'requests') return `/requests/${id}`;
  if (item.area === 'hotline') return `/hotline/${id}`;
  return '/pings';
}

/** Whether this item deserves a browser notification: calls, pings, urgent requests. */
function notifies(item: IncomingItem): boolean {
  return item.area !== 'requests' || item.level !== 'routine';
}

export function AttentionProvider({ children }: { children: ReactNode }) {
  const [attention, setAttention] = useState<AttentionView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const view = await getAttention();
      // An older answer arriving after a newer one must not win.
      if (mine !== generation.current) return;
      setAttention(view);
      setError(null);
    } catch (failure) {
      if (mine === generation.current) setError(failure);
    }
  }, []);

  const reload = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(), SETTLE_MS);
  }, [load]);

  useEffect(() => {
    void load();
    return () => clearTimeout(timer.current);
  }, [load]);
  useLiveEvent(EVENTS, reload);
  useIncomingNotifications(attention);

  const value = useMemo(() => ({ attention, error, reload }), [attention, error, reload]);
  return <AttentionContext.Provider value={value}>{children}</AttentionContext.Provider>;
}

/** The shared attention view (null until first loaded, or outside the provider). */
export function useAttention(): AttentionContextValue {
  return useContext(AttentionContext) ?? { attention: null, error: null, reload: () => {} };
}

// Browser notifications ------------------------------------------------------------------

export type NotificationState = 'default' | 'granted' | 'denied' | 'unsupported';

function notificationState(): NotificationState {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.permission;
}

/** The browser's notification permission, and a way to ask for it (from a click only). */
export function useNotificationPermission(): {
  state: NotificationState;
  ask: () => Promise<void>;
} {
  const [state, setState] = useState<NotificationState>(notificationState);
  const ask = useCallback(async () => {
    if (typeof Notification === 'undefined') return;
    try {
      await Notification.requestPermission();
    } catch {
      // Older browsers take a callback; the state below is read either way.
    }
    setState(notificationState());
  }, []);
  // Another tab (or the browser's settings) may change it.
  useEffect(() => {
    const again = () => setState(notificationState());
    window.addEventListener('focus', again);
    return () => window.removeEventListener('focus', again);
  }, []);
  return { state, ask };
}

/**
 * A system notification for each new call, ping test and urgent or emergency request, when
 * the user allowed them. What was already waiting when the page opened is not announced
 * again (the page shows it); the tag keeps several open tabs from notifying twice.
 */
function useIncomingNotifications(attention: AttentionView | null): void {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const known = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!attention) return;
    const ids = new Set(attention.incoming.map((item) => `${item.area}/${item.id}`));
    const before = known.current;
    known.current = ids;
    if (before === null || notificationState() !== 'granted') return;
    for (const item of attention.incoming) {
      const key = `${item.area}/${item.id}`;
      if (before.has(key) || !notifies(item)) continue;
      try {
        const notification = new Notification(
          t(`shell.notify.${item.area}`, {
            peer: item.peer,
            level: t(`shell.levels.${item.level}`),
          }),
          {
            body: item.reference ? `${item.reference} · ${item.title}` : item.title,
            tag: `liaison-${key}`,
            requireInteraction: item.level === 'emergency',
          },
        );
        notification.onclick = () => {
          window.focus();
          void navigate(incomingPath(item));
          notification.close();
        };
      } catch {
        // Some browsers allow notifications only from a service worker: the banner remains.
      }
    }
  }, [attention, navigate, t]);
}
