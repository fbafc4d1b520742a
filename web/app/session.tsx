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
import { useNavigate } from 'react-router';
import { ApiError, setCsrfToken, setUnauthenticatedHandler } from './client';
import * as api from './api';
import type { Language, NodeView, UserView } from './types';
import i18n, { browserLanguage, storeLanguage, storedLanguage } from './i18n';

export type SessionState =
  | { status: 'loading' }
  | { status: 'unreachable'; error: unknown }
  | { status: 'anonymous' }
  | { status: 'authenticated'; user: UserView };

export interface NodeState {
  node: NodeView | null;
  error: unknown;
  reload: () => void;
}

interface SessionContextValue {
  state: SessionState;
  node: NodeState;
  /** Throws ApiError when the node refuses (wrong password, disabled, too many attempts). */
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  /** Asks the node again who we are, without showing a loading screen. */
  refresh: () => Promise<void>;
  /** The session ended elsewhere (revoked, expired): back to the login page. */
  expire: () => void;
  setUser: (user: UserView) => void;
  /** Applies a language here and, when logged in, saves it to the account. */
  changeLanguage: (language: Language | null) => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The logged-in user; only for components rendered while authenticated. */
export function useUser(): UserView {
  const { state } = useSession();
  if (state.status !== 'authenticated') throw new Error('useUser without a session');
  return state.user;
}

/** The zone the user sees times in: their own choice, else the browser's. */
export function useUserTimeZone(): string {
  const user = useUser();
  return user.timeZone ?? browserTimeZone();
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Shows the app in `language` (null: the browser's) and remembers it in this browser. */
export function applyLanguage(language: Language | null): void {
  storeLanguage(language);
  void i18n.changeLanguage(language ?? browserLanguage());
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [node, setNode] = useState<NodeView | null>(null);
  const [nodeError, setNodeError] = useState<unknown>(null);
  // A language picked on the login page wins over the one saved in the account.
  const languagePickedWhileAnonymous = useRef(false);

  const authenticated = useCallback((user: UserView) => {
    if (languagePickedWhileAnonymous.current) {
      languagePickedWhileAnonymous.current = false;
      const chosen = storedLanguage();
      if (chosen !== null && chosen !== user.language) {
        api.updateMe({ language: chosen }).then(
          (updated) => setState({ status: 'authenticated', user: updated }),
          () => undefined, // Kept locally; the account keeps its older choice.
        );
      }
    } else if (user.language !== null) {
      applyLanguage(user.language);
    }
    setState({ status: 'authenticated', user });
  }, []);

  const anonymous = useCallback(() => {
    setCsrfToken(null);
    setNode(null);
    setState({ status: 'anonymous' });
  }, []);

  const check = useCallback(async () => {
    try {
      const session = await api.getSession();
      authenticated(session.user);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        anonymous();
      } else {
        setState((previous) =>
          previous.status === 'authenticated' ? previous : { status: 'unreachable', error },
        );
      }
    }
  }, [authenticated, anonymous]);

  useEffect(() => {
    void check();
  }, [check]);

  useEffect(() => {
    setUnauthenticatedHandler(anonymous);
    return () => setUnauthenticatedHandler(null);
  }, [anonymous]);

  const isAuthenticated = state.status === 'authenticated';
  const [nodeRequest, setNodeRequest] = useState(0);
  useEffect(() => {
    if (!isAuthenticated) return;
    let cancelled = false;
    setNodeError(null);
    api.getNode().then(
      (info) => {
        if (!cancelled) setNode(info);
      },
      (error: unknown) => {
        if (!cancelled) setNodeError(error);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [isAuthenticated, nodeRequest]);

  const login = useCallback(
    async (username: string, password: string) => {
      const session = await api.login(username, password);
      authenticated(session.user);
    },
    [authenticated],
  );

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // Even if the node cannot be told, forget the session here.
    }
    anonymous();
    void navigate('/login', { replace: true });
  }, [anonymous, navigate]);

  const expire = useCallback(() => {
    anonymous();
  }, [anonymous]);

  const setUser = useCallback((user: UserView) => {
    setState((previous) =>
      previous.status === 'authenticated' ? { status: 'authenticated', user } : previous,
    );
  }, []);

  const changeLanguage = useCallback(
    async (language: Language | null) => {
      applyLanguage(language);
      if (state.status !== 'authenticated') {
        languagePickedWhileAnonymous.current = true;
        return;
      }
      if (state.user.language === language) return;
      const updated = await api.updateMe({ language });
      setUser(updated);
    },
    [state, setUser],
  );

  const value = useMemo<SessionContextValue>(
    () => ({
      state,
      node: { node, error: nodeError, reload: () => setNodeRequest((n) => n + 1) },
      login,
      logout,
      refresh: check,
      expire,
      setUser,
      changeLanguage,
    }),
    [state, node, nodeError, login, logout, check, expire, setUser, changeLanguage],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
