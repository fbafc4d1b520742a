import { lazy, Suspense, useCallback, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { rolesAllow, type Permission, type UserView } from './types';
import { describeError } from '../ui/errors';
import { FEATURES } from './features';
import { AppLayout, BareLayout } from './layout';
import { AttentionProvider } from './attention';
import { LiveEventsProvider, useLiveEvent } from './live-events';
import { SessionProvider, useSession, useUser } from './session';
import { FeaturePage } from './feature';
import { ForbiddenPage, NotFoundPage } from './not-found';

// Each feature's pages load when first shown: a chunk of its own, bringing its own strings.
const MustChangePasswordPage = lazy(() =>
  import('../features/accounts/pages/change-password').then((m) => ({
    default: m.MustChangePasswordPage,
  })),
);
const MustEnrollSecondFactorPage = lazy(() =>
  import('../features/accounts/pages/second-factor-required').then((m) => ({
    default: m.MustEnrollSecondFactorPage,
  })),
);
const LoginPage = lazy(() =>
  import('../features/accounts/pages/login').then((m) => ({ default: m.LoginPage })),
);
const SettingsPage = lazy(() =>
  import('../features/accounts/pages/settings').then((m) => ({ default: m.SettingsPage })),
);
const UsersPage = lazy(() =>
  import('../features/accounts/pages/users').then((m) => ({ default: m.UsersPage })),
);
const AuditPage = lazy(() =>
  import('../features/audit/pages/audit').then((m) => ({ default: m.AuditPage })),
);
const CasePage = lazy(() =>
  import('../features/cases/pages/case').then((m) => ({ default: m.CasePage })),
);
const CasesPage = lazy(() =>
  import('../features/cases/pages/cases').then((m) => ({ default: m.CasesPage })),
);
const CasesReportPage = lazy(() =>
  import('../features/cases/pages/cases-report').then((m) => ({ default: m.CasesReportPage })),
);
const ContactsPage = lazy(() =>
  import('../features/contacts/pages/contacts').then((m) => ({ default: m.ContactsPage })),
);
const ExercisesPage = lazy(() =>
  import('../features/exercises/pages/exercises').then((m) => ({ default: m.ExercisesPage })),
);
const ExercisePage = lazy(() =>
  import('../features/exercises/pages/exercise').then((m) => ({ default: m.ExercisePage })),
);
const ScenarioPage = lazy(() =>
  import('../features/exercises/pages/scenario').then((m) => ({ default: m.ScenarioPage })),
);
const ScenarioEditPage = lazy(() =>
  import('../features/exercises/pages/scenario').then((m) => ({ default: m.ScenarioEditPage })),
);
const EvaluatePage = lazy(() =>
  import('../features/exercises/pages/evaluate').then((m) => ({ default: m.EvaluatePage })),
);
const HotwashPage = lazy(() =>
  import('../features/exercises/pages/hotwash').then((m) => ({ default: m.HotwashPage })),
);
const AarPage = lazy(() =>
  import('../features/exercises/pages/aar').then((m) => ({ default: m.AarPage })),
);
const DialoguesPage = lazy(() =>
  import('../features/dialogues/pages/dialogues').then((m) => ({ default: m.DialoguesPage })),
);
const DialoguePage = lazy(() =>
  import('../features/dialogues/pages/dialogue').then((m) => ({ default: m.DialoguePage })),
);
const MeetingPage = lazy(() =>
  import('../features/dialogues/pages/meeting').then((m) => ({ default: m.MeetingPage })),
);
const CommitmentPage = lazy(() =>
  import('../features/dialogues/pages/commitment').then((m) => ({ default: m.CommitmentPage })),
);
const StatusReportPage = lazy(() =>
  import('../features/dialogues/pages/status-report').then((m) => ({
    default: m.StatusReportPage,
  })),
);
const ReportsPage = lazy(() =>
  import('../features/reports/pages/reports').then((m) => ({ default: m.ReportsPage })),
);
const ReportPage = lazy(() =>
  import('../features/reports/pages/report').then((m) => ({ default: m.ReportPage })),
);
const StoryPage = lazy(() =>
  import('../features/reports/pages/story').then((m) => ({ default: m.StoryPage })),
);
const StoriesPage = lazy(() =>
  import('../features/reports/pages/stories').then((m) => ({ default: m.StoriesPage })),
);
const AllowListPage = lazy(() =>
  import('../features/reports/pages/allow-list').then((m) => ({ default: m.AllowListPage })),
);
const FiguresPage = lazy(() =>
  import('../features/figures/pages/figures').then((m) => ({ default: m.FiguresPage })),
);
const HomePage = lazy(() =>
  import('../features/home/pages/home').then((m) => ({ default: m.HomePage })),
);
const HotlinePage = lazy(() =>
  import('../features/hotline/pages/hotline').then((m) => ({ default: m.HotlinePage })),
);
const HotlineCallPage = lazy(() =>
  import('../features/hotline/pages/hotline-call').then((m) => ({ default: m.HotlineCallPage })),
);
const HotlineReviewPage = lazy(() =>
  import('../features/hotline/pages/hotline-review').then((m) => ({
    default: m.HotlineReviewPage,
  })),
);
const HotlineRosterPage = lazy(() =>
  import('../features/hotline/pages/hotline-roster').then((m) => ({
    default: m.HotlineRosterPage,
  })),
);
const NotesPage = lazy(() =>
  import('../features/notes/pages/notes').then((m) => ({ default: m.NotesPage })),
);
const PeersPage = lazy(() =>
  import('../features/peers/pages/peers').then((m) => ({ default: m.PeersPage })),
);
const PingsPage = lazy(() =>
  import('../features/pings/pages/pings').then((m) => ({ default: m.PingsPage })),
);
const ArrangementPage = lazy(() =>
  import('../features/requests/pages/arrangements').then((m) => ({ default: m.ArrangementPage })),
);
const ArrangementsPage = lazy(() =>
  import('../features/requests/pages/arrangements').then((m) => ({ default: m.ArrangementsPage })),
);
const RequestPage = lazy(() =>
  import('../features/requests/pages/request').then((m) => ({ default: m.RequestPage })),
);
const NewRequestPage = lazy(() =>
  import('../features/requests/pages/requests').then((m) => ({ default: m.NewRequestPage })),
);
const RequestsPage = lazy(() =>
  import('../features/requests/pages/requests').then((m) => ({ default: m.RequestsPage })),
);
const SearchPage = lazy(() =>
  import('../features/search/pages/search').then((m) => ({ default: m.SearchPage })),
);
const TaxiiPage = lazy(() =>
  import('../features/taxii/pages/taxii').then((m) => ({ default: m.TaxiiPage })),
);

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
    const user = (data as { user?: UserView } | null)?.user;
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
      <AttentionProvider>
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
            <Route path="exercises" element={<ExercisesPage />} />
            <Route path="exercises/:id" element={<ExercisePage />} />
            <Route path="exercises/:id/evaluate" element={<EvaluatePage />} />
            <Route path="exercises/:id/hotwash" element={<HotwashPage />} />
            <Route path="exercises/:id/aar" element={<AarPage />} />
            <Route path="exercises/scenarios/:id" element={<ScenarioPage />} />
            <Route
              path="exercises/scenarios/new"
              element={
                <Allowed permission="exercises.manage">
                  <ScenarioEditPage key="new" />
                </Allowed>
              }
            />
            <Route
              path="exercises/scenarios/:id/edit"
              element={
                <Allowed permission="exercises.manage">
                  <ScenarioEditPage />
                </Allowed>
              }
            />
            <Route path="dialogues" element={<DialoguesPage />} />
            <Route path="dialogues/report" element={<StatusReportPage />} />
            <Route path="dialogues/:id" element={<DialoguePage />} />
            <Route path="dialogues/:id/meetings/:meetingId" element={<MeetingPage />} />
            <Route path="dialogues/:id/commitments/:commitmentId" element={<CommitmentPage />} />
            <Route path="reports" element={<ReportsPage />} />
            <Route path="reports/allow-list" element={<AllowListPage />} />
            <Route path="reports/stories" element={<StoriesPage />} />
            <Route path="reports/stories/:id" element={<StoryPage />} />
            <Route path="reports/:id" element={<ReportPage />} />
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
      </AttentionProvider>
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
      if (state.user.mustChangePassword) return <MustChangePasswordPage />;
      // The node requires a second factor of this account and it has none: nothing else works.
      if (state.user.mustEnrollSecondFactor) return <MustEnrollSecondFactorPage />;
      return <AuthenticatedApp />;
  }
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        {/* The login and change-password pages load lazily too; inside the layout, the menu stays. */}
        <Suspense fallback={<LoadingScreen />}>
          <Shell />
        </Suspense>
      </SessionProvider>
    </BrowserRouter>
  );
}
