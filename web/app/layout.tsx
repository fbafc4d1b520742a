import {
  lazy,
  Suspense,
  useEffect,
  useRef,
  useState,
  type FormEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation, useNavigate, useSearchParams } from 'react-router';
import { rolesAllow } from './types';
import { NavCount, useAttentionTotal } from './attention-banner';
import { ConnectionIndicator } from './connection-indicator';
import { useShortcuts } from './shortcuts';
import { FEATURES } from './features';
import { LanguageSwitch } from './language-switch';
import { useSession, useUser } from './session';
import { UserMenu } from './user-menu';
import '../features/search/i18n';

// The banners of every page (a hotline call, an incoming ping) load with their feature's chunk.
const HotlineBanner = lazy(() =>
  import('../features/hotline/components/hotline').then((m) => ({ default: m.HotlineBanner })),
);
const IncomingRequestsBanner = lazy(() =>
  import('../features/requests/components/incoming').then((m) => ({
    default: m.IncomingRequestsBanner,
  })),
);
// "Enable sound" and "Enable notifications", with the Web Audio code they arm.
const AlertSetup = lazy(() => import('./alert-setup').then((m) => ({ default: m.AlertSetup })));
// The list of shortcuts loads when first asked for ("?").
const ShortcutsDialog = lazy(() =>
  import('./shortcuts-dialog').then((m) => ({ default: m.ShortcutsDialog })),
);
const IncomingPingsBanner = lazy(() =>
  import('../features/pings/components/pings').then((m) => ({ default: m.IncomingPingsBanner })),
);

function SkipLink() {
  const { t } = useTranslation();
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(event) => {
        event.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      {t('app.skipToContent')}
    </a>
  );
}

function Brand() {
  const { t } = useTranslation();
  const { node } = useSession();
  const info = node.node;
  return (
    <div className="brand">
      <Link to="/" className="brand-name">
        {t('app.name')}
      </Link>
      {info ? (
        <span className="brand-node">
          <span className="brand-node-name">{info.name}</span>
          <span className="brand-node-id">{t('header.node', { nodeId: info.nodeId })}</span>
        </span>
      ) : null}
    </div>
  );
}

/** For pages shown outside the app's navigation: login, first password change. */
export function BareLayout({ children, tools }: { children: ReactNode; tools?: ReactNode }) {
  return (
    <div className="bare">
      <SkipLink />
      <header className="app-header">
        <Brand />
        <div className="header-tools">
          <LanguageSwitch />
          {tools}
        </div>
      </header>
      <main id="main" tabIndex={-1} className="bare-main">
        {children}
      </main>
    </div>
  );
}

/** The search box on every page: Enter opens the results page (/search?q=…); "/" focuses it. */
function HeaderSearch({ input }: { input: RefObject<HTMLInputElement | null> }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  // On the results page, the box shows what was searched.
  const searched = location.pathname === '/search' ? (params.get('q') ?? '') : '';
  const [q, setQ] = useState(searched);
  useEffect(() => {
    setQ(searched);
  }, [searched]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = q.trim();
    if (text === '') return;
    void navigate(`/search?${new URLSearchParams({ q: text })}`);
  };

  return (
    <form className="header-search" role="search" aria-label={t('search.label')} onSubmit={submit}>
      <label htmlFor="header-search" className="visually-hidden">
        {t('search.label')}
      </label>
      <input
        ref={input}
        id="header-search"
        type="search"
        value={q}
        maxLength={500}
        autoComplete="off"
        spellCheck={false}
        placeholder={t('shell.searchPlaceholder')}
        aria-keyshortcuts="/"
        onChange={(event) => setQ(event.target.value)}
      />
      <button type="submit">{t('search.submit')}</button>
    </form>
  );
}

function MainNav({ open }: { open: boolean }) {
  const { t } = useTranslation();
  const user = useUser();
  const isAdmin = user.roles.includes('admin');
  const mayTaxii = rolesAllow(user.roles, 'taxii.manage');
  return (
    <nav
      id="app-nav"
      className={`app-nav${open ? ' app-nav-open' : ''}`}
      aria-label={t('nav.label')}
    >
      <ul>
        <li>
          <NavLink to="/" end>
            {t('nav.home')}
          </NavLink>
        </li>
        <li>
          <NavLink to="/notes">{t('nav.notes')}</NavLink>
        </li>
        <li>
          <NavLink to="/contacts">{t('nav.contacts')}</NavLink>
        </li>
        <li>
          <NavLink to="/requests" aria-describedby="nav-count-requests-text">
            {t('nav.requests')}
            <NavCount area="requests" />
          </NavLink>
        </li>
        <li>
          <NavLink to="/arrangements">{t('nav.arrangements')}</NavLink>
        </li>
        <li>
          <NavLink to="/hotline" aria-describedby="nav-count-hotline-text">
            {t('nav.hotline')}
            <NavCount area="hotline" />
          </NavLink>
        </li>
        <li>
          <NavLink to="/cases">{t('nav.cases')}</NavLink>
        </li>
        <li>
          <NavLink to="/pings" aria-describedby="nav-count-pings-text">
            {t('nav.pings')}
            <NavCount area="pings" />
          </NavLink>
        </li>
        <li>
          <NavLink to="/figures">{t('nav.figures')}</NavLink>
        </li>
        <li>
          <NavLink to="/exercises">{t('nav.exercises')}</NavLink>
        </li>
        <li>
          <NavLink to="/dialogues">{t('nav.dialogues')}</NavLink>
        </li>
        <li>
          <NavLink to="/reports">{t('nav.reports')}</NavLink>
        </li>
        {FEATURES.map((feature) => (
          <li key={feature}>
            <NavLink to={`/${feature}`}>{t(`nav.${feature}`)}</NavLink>
          </li>
        ))}
      </ul>
      {isAdmin || mayTaxii ? (
        <>
          <p className="nav-section" id="nav-admin">
            {t('nav.admin')}
          </p>
          <ul aria-labelledby="nav-admin">
            {isAdmin ? (
              <>
                <li>
                  <NavLink to="/users">{t('nav.users')}</NavLink>
                </li>
                <li>
                  <NavLink to="/peers">{t('nav.peers')}</NavLink>
                </li>
                <li>
                  <NavLink to="/audit">{t('nav.audit')}</NavLink>
                </li>
              </>
            ) : null}
            {mayTaxii ? (
              <li>
                <NavLink to="/taxii">{t('nav.taxii')}</NavLink>
              </li>
            ) : null}
          </ul>
        </>
      ) : null}
    </nav>
  );
}

/** On narrow screens the menu folds behind this button (hidden on wide screens by CSS). */
function MenuButton({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  const total = useAttentionTotal();
  return (
    <button
      type="button"
      className="menu-button"
      aria-expanded={open}
      aria-controls="app-nav"
      onClick={onToggle}
    >
      <span className="menu-icon" aria-hidden="true" />
      <span>{t('shell.menu')}</span>
      {total > 0 ? (
        <span className="nav-count" data-testid="menu-count">
          <span aria-hidden="true">{total}</span>
          <span className="visually-hidden">{t('shell.waitingCount', { count: total })}</span>
        </span>
      ) : null}
    </button>
  );
}

/** While a feature's page loads (its own chunk): the menu and header stay. */
function PageLoading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="loading">
      {t('app.loading')}
    </p>
  );
}

/** Header (node, live status, language, user menu), navigation, the banners and the page. */
export function AppLayout() {
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const firstRender = useRef(true);
  const [menuOpen, setMenuOpen] = useState(false);
  const shortcuts = useShortcuts({
    focusSearch: () => {
      setMenuOpen(true);
      // The box may have just been shown (narrow screens): focus it once it is.
      requestAnimationFrame(() => search.current?.focus());
    },
    escape: () => setMenuOpen(false),
  });

  // After a navigation, move focus to the new page so keyboard and screen reader users
  // start reading it from the top, as after a full page load; the folded menu closes.
  useEffect(() => {
    setMenuOpen(false);
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus({ preventScroll: false });
  }, [location.pathname]);

  return (
    <div className={`app${menuOpen ? ' menu-open' : ''}`}>
      <SkipLink />
      <header className="app-header">
        <MenuButton open={menuOpen} onToggle={() => setMenuOpen((open) => !open)} />
        <Brand />
        <div className="header-fold">
          <HeaderSearch input={search} />
          <LanguageSwitch />
        </div>
        <div className="header-tools">
          <ConnectionIndicator />
          <UserMenu />
        </div>
      </header>
      <div className="app-body">
        <MainNav open={menuOpen} />
        <main id="main" ref={main} tabIndex={-1} className="app-main">
          <div className="banners">
            <Suspense fallback={null}>
              <AlertSetup />
              <HotlineBanner />
            </Suspense>
            <Suspense fallback={null}>
              <IncomingRequestsBanner />
            </Suspense>
            <Suspense fallback={null}>
              <IncomingPingsBanner />
            </Suspense>
          </div>
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
      {shortcuts.open ? (
        <Suspense fallback={null}>
          <ShortcutsDialog {...shortcuts} />
        </Suspense>
      ) : null}
    </div>
  );
}
