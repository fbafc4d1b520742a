import { useCallback, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { rolesAllow, type Permission, type User } from './api/types';
import { describeError } from './components/errors';
import { FEATURES } from './components/features';
import { AppLayout, BareLayout } from './components/layout';
import { LiveEventsProvider, useLiveEvent } from './components/live-events';
import { SessionProvider, useSession, useUser } from './components/session';
import { ArrangementPage, ArrangementsPage } from './pages/arrangements';
import { AuditPage } from './pages/audit';
import { CasePage } from './pages/case';
import { CasesPage } from './pages/cases';
import { CasesReportPage } from './pages/cases-report';
import { MustChangePasswordPage } from './pages/change-password';
import { ContactsPage } from './pages/contacts';
import { FeaturePage } from './pages/feature';
import { FiguresPage } from './pages/figures';
import { HomePage } from './pages/home';
import { HotlinePage } from './pages/hotline';
import { HotlineCallPage } from './pages/hotline-call';
import { HotlineReviewPage } from './pages/hotline-review';
import { HotlineRosterPage } from './pages/hotline-roster';
import { LoginPage } from './pages/login';
import { ForbiddenPage, NotFoundPage } from './pages/not-found';
import { NotesPage } from './pages/notes';
import { PeersPage } from './pages/peers';
import { PingsPage } from './pages/pings';
import { RequestPage } from './pages/request';
import { SearchPage } from './pages/search';
import { NewRequestPage, RequestsPage } from './pages/requests';
import { SettingsPage } from './pages/settings';
import { TaxiiPage } from './pages/taxii';
import { UsersPage } from './pages/users';

interface FromState {
  from?: string;
}

function RedirectToLogin() {
  const location = useLocation();
  const from = `${location.pathname}${location.search}`;
  return <Navigate to="/login" replace state={from === '/' ? undefined : { from }} />;
}

function LeaveLogin() {
  const location = useLocation();
  const from = (location.state as FromState | null)?.from;
  return <Navigate to={from && from.startsWith('/') ? from : '/'} replace />;
}

function AdminOnly({ children }: { children: ReactNode }) {
  const user = useUser();
  return user.roles.includes('admin') ? children : <ForbiddenPage />;
}

/** A page only for the users whose roles allow `permission`. */
function Allowed({ permission, children }: { permission: Permission; children: ReactNode }) {
  const user = useUser();
  return rolesAllow(user.roles, permission) ? children : <ForbiddenPage />;
}

/** Keeps the session in step with the node's live events. */
function SessionEvents() {
  const { expire, refresh, setUser } = useSession();
  const me = useUser();
  useLiveEvent('session.revoked', expire);
  useLiveEvent('resync', () => void refresh());
  useLiveEvent('user.changed', (data) => {
    const user = (data as { user?: User } | null)?.user;
    if (user && user.id === me.id) setUser(user);
  });
  return null;
}

function LoadingScreen() {
  const { t } = useTranslation();
  return (
    <BareLayout>
      <p role="status" className="loading">
        {t('app.loading')}
      </p>
    </BareLayout>
  );
}

function UnreachableScreen({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const { refresh } = useSession();
  return (
    <BareLayout>
      <div className="narrow">
        <h1>{t('app.unreachableTitle')}</h1>
        <p className="lead">{t('app.unreachableBody')}</p>
        <p className="muted small">{describeError(t, error)}</p>
        <button type="button" className="button-primary" onClick={() => void refresh()}>
          {t('app.retry')}
        </button>
      </div>
    </BareLayout>
  );
}

function AuthenticatedApp() {
  const { refresh } = useSession();
  // The node refused the event stream: perhaps the session ended. Ask, quietly.
  const onStreamRefused = useCallback(() => void refresh(), [refresh]);
  return (
    <LiveEventsProvider onStreamRefused={onStreamRefused}>
      <SessionEvents />
      <Routes>
        <Route path="/login" element={<LeaveLogin />} />
        <Route element={<AppLayout />}>
          <Route index element={<HomePage />} />
          <Route path="notes" element={<NotesPage />} />
          <Route path="contacts" element={<ContactsPage />} />
          <Route path="requests" element={<RequestsPage />} />
          <Route path="requests/new" element={<NewRequestPage />} />
          <Route path="requests/:id" element={<RequestPage />} />
          <Route path="arrangements" element={<ArrangementsPage />} />
          <Route path="arrangements/:peer" element={<ArrangementPage />} />
          <Route path="hotline" element={<HotlinePage />} />
          <Route path="hotline/roster" element={<HotlineRosterPage />} />
          <Route path="hotline/review" element={<HotlineReviewPage />} />
          <Route path="hotline/:id" element={<HotlineCallPage />} />
          <Route path="cases" element={<CasesPage />} />
          <Route path="cases/report" element={<CasesReportPage />} />
          <Route path="cases/:id" element={<CasePage />} />
          <Route path="pings" element={<PingsPage />} />
          <Route path="figures" element={<FiguresPage />} />
          <Route path="search" element={<SearchPage />} />
          {FEATURES.map((feature) => (
            <Route key={feature} path={feature} element={<FeaturePage feature={feature} />} />
          ))}
          <Route path="settings" element={<SettingsPage />} />
          {/* Every role may read the peers' state; only admins see the management controls. */}
          <Route path="peers" element={<PeersPage />} />
          <Route
            path="users"
            element={
              <AdminOnly>
                <UsersPage />
              </AdminOnly>
            }
          />
          <Route
            path="audit"
            element={
              <AdminOnly>
                <AuditPage />
              </AdminOnly>
            }
          />
          <Route
            path="taxii"
            element={
              <Allowed permission="taxii.manage">
                <TaxiiPage />
              </Allowed>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </LiveEventsProvider>
  );
}

function Shell() {
  const { state } = useSession();
  switch (state.status) {
    case 'loading':
      return <LoadingScreen />;
    case 'unreachable':
      return <UnreachableScreen error={state.error} />;
    case 'anonymous':
      return (
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="*" element={<RedirectToLogin />} />
        </Routes>
      );
    case 'authenticated':
      return state.user.mustChangePassword ? <MustChangePasswordPage /> : <AuthenticatedApp />;
  }
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </BrowserRouter>
  );
}
