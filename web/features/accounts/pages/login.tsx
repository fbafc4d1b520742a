import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/client';
import { ErrorAlert } from '../../../ui/errors';
import { usePageTitle } from '../../../ui/hooks';
import { BareLayout } from '../../../app/layout';
import { useSession } from '../../../app/session';
import '../i18n';

type Problem =
  | { kind: 'required' }
  | { kind: 'invalid' }
  | { kind: 'disabled' }
  | { kind: 'throttled'; until: number | null }
  | { kind: 'other'; error: unknown };

function toProblem(error: unknown): Problem {
  if (error instanceof ApiError) {
    if (error.code === 'invalid_credentials' || error.status === 401) return { kind: 'invalid' };
    if (error.code === 'account_disabled') return { kind: 'disabled' };
    if (error.code === 'too_many_attempts' || error.status === 429) {
      const until = error.retryAfter === undefined ? null : Date.now() + error.retryAfter * 1000;
      return { kind: 'throttled', until };
    }
  }
  return { kind: 'other', error };
}

/** Seconds left until `until`, counting down once a second. */
function useSecondsLeft(until: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    setNow(Date.now());
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= until) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [until]);
  if (until === null) return null;
  return Math.max(0, Math.ceil((until - now) / 1000));
}

export function LoginPage() {
  const { t } = useTranslation();
  const { login } = useSession();
  usePageTitle(t('login.title'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const usernameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const secondsLeft = useSecondsLeft(problem?.kind === 'throttled' ? problem.until : null);

  useEffect(() => {
    usernameInput.current?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (username.trim() === '' || password === '') {
      setProblem({ kind: 'required' });
      (username.trim() === '' ? usernameInput : passwordInput).current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await login(username.trim(), password);
    } catch (error) {
      setProblem(toProblem(error));
      setPassword('');
      passwordInput.current?.focus();
      setBusy(false);
    }
  };

  let message: string | null = null;
  if (problem?.kind === 'required') message = t('login.required');
  if (problem?.kind === 'invalid') message = t('login.invalidCredentials');
  if (problem?.kind === 'disabled') message = t('login.accountDisabled');
  if (problem?.kind === 'throttled') {
    message =
      secondsLeft !== null && secondsLeft > 0
        ? t('login.tooManyAttempts', { seconds: secondsLeft })
        : t('login.tooManyAttemptsLater');
  }

  return (
    <BareLayout>
      <div className="login">
        <h1>{t('login.title')}</h1>
        <p className="lead">{t('login.intro')}</p>
        {problem?.kind === 'other' ? <ErrorAlert error={problem.error} /> : null}
        {message !== null ? <ErrorAlert message={message} /> : null}
        <form className="form" noValidate onSubmit={(event) => void submit(event)}>
          <div className="field">
            <label htmlFor="login-username">{t('login.username')}</label>
            <input
              ref={usernameInput}
              id="login-username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              aria-invalid={problem?.kind === 'invalid' || undefined}
              onChange={(event) => setUsername(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">{t('login.password')}</label>
            <input
              ref={passwordInput}
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              aria-invalid={problem?.kind === 'invalid' || undefined}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="button-primary button-wide" disabled={busy}>
              {busy ? t('login.submitting') : t('login.submit')}
            </button>
          </div>
        </form>
      </div>
    </BareLayout>
  );
}
