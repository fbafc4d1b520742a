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

/** Names of the node's Server-Sent Events the web app listens to (docs/api.md). */
export type EventName =
  | 'user.changed'
  | 'session.revoked'
  | 'resync'
  | 'federation.ledger'
  | 'federation.peers'
  | 'note.created'
  | 'note.changed'
  | 'request.changed'
  | 'request.deleted'
  | 'request.deadline'
  | 'contact.changed'
  | 'arrangement.changed'
  | 'ping.changed'
  | 'hotline.changed'
  | 'hotline.alert'
  | 'hotline.roster'
  | 'case.changed'
  | 'case.object'
  | 'import.progress'
  | 'exercise.changed'
  | 'dialogue.changed'
  | 'report.changed';
export type EventHandler = (data: unknown) => void;
export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

interface LiveEvents {
  connection: ConnectionState;
  subscribe: (name: EventName, handler: EventHandler) => () => void;
}

const LiveEventsContext = createContext<LiveEvents | null>(null);

const EVENT_NAMES: readonly EventName[] = [
  'user.changed',
  'session.revoked',
  'resync',
  'federation.ledger',
  'federation.peers',
  'note.created',
  'note.changed',
  'request.changed',
  'request.deleted',
  'request.deadline',
  'contact.changed',
  'arrangement.changed',
  'ping.changed',
  'hotline.changed',
  'hotline.alert',
  'hotline.roster',
  'case.changed',
  'case.object',
  'import.progress',
  'exercise.changed',
  'dialogue.changed',
  'report.changed',
];
/** After the node refused the stream (e.g. a restart), wait this long before trying again. */
const RETRY_MS = 5000;

/**
 * One EventSource on /api/events for the logged-in user. The browser reconnects by itself
 * (sending Last-Event-ID, so the node replays what was missed); when the node refuses the
 * stream outright, we open a new one after a pause and tell subscribers to `resync`,
 * since events may have been missed in between.
 */
export function LiveEventsProvider({
  children,
  onStreamRefused,
}: {
  children: ReactNode;
  onStreamRefused?: () => void;
}) {
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const handlers = useRef(new Map<EventName, Set<EventHandler>>());
  const refused = useRef(onStreamRefused);
  useEffect(() => {
    refused.current = onStreamRefused;
  }, [onStreamRefused]);

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let opened = false;
    let missedEvents = false;

    const connect = () => {
      if (stopped) return;
      const current = new EventSource('/api/events');
      source = current;
      current.onopen = () => {
        setConnection('live');
        if (opened && missedEvents) emit(handlers.current, 'resync', null);
        opened = true;
        missedEvents = false;
      };
      current.onerror = () => {
        if (current.readyState === EventSource.CLOSED) {
          current.close();
          missedEvents = true;
          setConnection('reconnecting');
          refused.current?.();
          retry = setTimeout(connect, RETRY_MS);
        } else {
          setConnection(opened ? 'reconnecting' : 'connecting');
        }
      };
      for (const name of EVENT_NAMES) {
        current.addEventListener(name, (event: MessageEvent<string>) => {
          emit(handlers.current, name, parseData(event.data));
        });
      }
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, []);

  const subscribe = useCallback((name: EventName, handler: EventHandler) => {
    let set = handlers.current.get(name);
    if (!set) {
      set = new Set();
      handlers.current.set(name, set);
    }
    const handlersOfName = set;
    handlersOfName.add(handler);
    return () => {
      handlersOfName.delete(handler);
    };
  }, []);
  const value = useMemo(() => ({ connection, subscribe }), [connection, subscribe]);

  return <LiveEventsContext.Provider value={value}>{children}</LiveEventsContext.Provider>;
}

function emit(handlers: Map<EventName, Set<EventHandler>>, name: EventName, data: unknown): void {
  for (const handler of [...(handlers.get(name) ?? [])]) {
    try {
      handler(data);
    } catch (error) {
      // One failing page must not stop the others from hearing the event.
      reportError(error);
    }
  }
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

export function useConnectionState(): ConnectionState | null {
  return useContext(LiveEventsContext)?.connection ?? null;
}

/** Calls `handler` for each event of the given names, for as long as the caller is mounted. */
export function useLiveEvent(names: EventName | readonly EventName[], handler: EventHandler): void {
  const context = useContext(LiveEventsContext);
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  }, [handler]);
  const key = typeof names === 'string' ? names : names.join(' ');
  const subscribe = context?.subscribe;
  useEffect(() => {
    if (!subscribe) return;
    const list = key.split(' ') as EventName[];
    const unsubscribers = list.map((name) => subscribe(name, (data) => latest.current(data)));
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }, [key, subscribe]);
}
