import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/client';
import { ErrorAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { usePageTitle } from '../../../ui/hooks';
import { BareLayout } from '../../../app/layout';
import { useSession } from '../../../app/session';
import '../i18n';

/** Why logging in failed, as the login page words it. */
type LoginFailure =
  | { kind: 'required' }
  | { kind: 'invalid' }
  | { kind: 'disabled' }
  | { kind: 'throttled'; until: number | null }
  | { kind: 'other'; error: unknown };

function toFailure(error: unknown): LoginFailure {
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
  const signIn = useSubmit(login);
  const problem = signIn.problem;
  // Once per problem: a throttled login's `until` must not move on each render.
  const failure = useMemo<LoginFailure | null>(
    () =>
      !problem
        ? null
        : problem.message !== undefined
          ? { kind: 'required' }
          : toFailure(problem.error),
    [problem],
  );
  const usernameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const secondsLeft = useSecondsLeft(failure?.kind === 'throttled' ? failure.until : null);

  useEffect(() => {
    usernameInput.current?.focus();
  }, []);

  // Refused by the node: the password is typed again.
  useEffect(() => {
    if (!problem?.error) return;
    setPassword('');
    passwordInput.current?.focus();
  }, [problem]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (username.trim() === '' || password === '') {
      signIn.fail({ message: 'required' });
      (username.trim() === '' ? usernameInput : passwordInput).current?.focus();
      return;
    }
    await signIn.submit(username.trim(), password);
  };

  let message: string | null = null;
  if (failure?.kind === 'required') message = t('login.required');
  if (failure?.kind === 'invalid') message = t('login.invalidCredentials');
  if (failure?.kind === 'disabled') message = t('login.accountDisabled');
  if (failure?.kind === 'throttled') {
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
        {failure?.kind === 'other' ? <ErrorAlert error={failure.error} /> : null}
        {message !== null ? <ErrorAlert message={message} /> : null}
        <form className="form" noValidate onSubmit={(event) => void submit(event)}>
          <Field
            id="login-username"
            label={t('login.username')}
            invalid={failure?.kind === 'invalid'}
          >
            <input
              ref={usernameInput}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(event) => setUsername(event.target.value)}
            />
          </Field>
          <Field
            id="login-password"
            label={t('login.password')}
            invalid={failure?.kind === 'invalid'}
          >
            <input
              ref={passwordInput}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </Field>
          <div className="form-actions">
            <button type="submit" className="button-primary button-wide" disabled={signIn.busy}>
              {signIn.busy ? t('login.submitting') : t('login.submit')}
            </button>
          </div>
        </form>
      </div>
    </BareLayout>
  );
}
