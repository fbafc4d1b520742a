import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/client';
import { ErrorAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { usePageTitle } from '../../../ui/hooks';
import { BareLayout } from '../../../app/layout';
import { useSession } from '../../../app/session';
import { loginWithSecondFactor } from '../api';
import '../i18n';

/** Why logging in failed, as the login page words it. */
type LoginFailure =
  | { kind: 'required' }
  | { kind: 'invalid' }
  | { kind: 'codeInvalid' }
  | { kind: 'disabled' }
  | { kind: 'throttled'; until: number | null }
  | { kind: 'other'; error: unknown };

function toFailure(error: unknown): LoginFailure {
  if (error instanceof ApiError) {
    if (error.code === 'second_factor_invalid') return { kind: 'codeInvalid' };
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

/** Which question the login form asks: the password, then (if the account has one) the code. */
type Step = 'password' | 'code' | 'recovery';

const isSecondFactorRequired = (error: unknown) =>
  error instanceof ApiError && error.code === 'second_factor_required';

export function LoginPage() {
  const { t } = useTranslation();
  const { login, refresh } = useSession();
  usePageTitle(t('login.title'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<Step>('password');
  const [code, setCode] = useState('');
  const signIn = useSubmit(async (name: string, secret: string, answer: string) => {
    if (step === 'password') {
      await login(name, secret);
      return;
    }
    await loginWithSecondFactor(
      name,
      secret,
      step === 'code' ? { code: answer } : { recoveryCode: answer },
    );
    await refresh();
  });
  const problem = signIn.problem;
  // The password was right and the account has a second factor: ask for its code.
  const codeAsked = isSecondFactorRequired(problem?.error);
  // Once per problem: a throttled login's `until` must not move on each render.
  const failure = useMemo<LoginFailure | null>(
    () =>
      !problem || codeAsked
        ? null
        : problem.message !== undefined
          ? { kind: 'required' }
          : toFailure(problem.error),
    [problem, codeAsked],
  );
  const usernameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const secondsLeft = useSecondsLeft(failure?.kind === 'throttled' ? failure.until : null);

  useEffect(() => {
    usernameInput.current?.focus();
  }, []);

  useEffect(() => {
    if (codeAsked) setStep('code');
  }, [codeAsked]);

  useEffect(() => {
    if (step !== 'password') codeInput.current?.focus();
  }, [step]);

  // Refused by the node: the password (or the code) is typed again.
  useEffect(() => {
    if (!problem?.error || isSecondFactorRequired(problem.error)) return;
    if (step === 'password' || failure?.kind === 'invalid') {
      setStep('password');
      setCode('');
      setPassword('');
      passwordInput.current?.focus();
    } else {
      setCode('');
      codeInput.current?.focus();
    }
    // Only on a new problem.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [problem]);

  const startOver = () => {
    signIn.reset();
    setStep('password');
    setCode('');
    setPassword('');
    passwordInput.current?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (step !== 'password') {
      if (code.trim() === '') {
        signIn.fail({ message: 'required' });
        codeInput.current?.focus();
        return;
      }
      await signIn.submit(username.trim(), password, code.trim());
      return;
    }
    if (username.trim() === '' || password === '') {
      signIn.fail({ message: 'required' });
      (username.trim() === '' ? usernameInput : passwordInput).current?.focus();
      return;
    }
    await signIn.submit(username.trim(), password, '');
  };

  let message: string | null = null;
  if (failure?.kind === 'required') {
    message = step === 'password' ? t('login.required') : t('login.codeRequired');
  }
  if (failure?.kind === 'invalid') message = t('login.invalidCredentials');
  if (failure?.kind === 'codeInvalid') message = t('login.codeInvalid');
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
        <p className="lead">
          {step === 'password'
            ? t('login.intro')
            : step === 'code'
              ? t('login.codeIntro')
              : t('login.recoveryIntro')}
        </p>
        {failure?.kind === 'other' ? <ErrorAlert error={failure.error} /> : null}
        {message !== null ? <ErrorAlert message={message} /> : null}
        <form className="form" noValidate onSubmit={(event) => void submit(event)}>
          {step === 'password' ? (
            <>
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
            </>
          ) : (
            <>
              <p className="muted">{t('login.signingInAs', { username: username.trim() })}</p>
              <Field
                id="login-code"
                key={step}
                label={step === 'code' ? t('login.code') : t('login.recoveryCode')}
                hint={step === 'code' ? t('login.codeHint') : t('login.recoveryHint')}
                invalid={failure?.kind === 'codeInvalid' || failure?.kind === 'required'}
              >
                <input
                  ref={codeInput}
                  name={step === 'code' ? 'code' : 'recovery-code'}
                  autoComplete="one-time-code"
                  autoCapitalize="none"
                  spellCheck={false}
                  {...(step === 'code' ? { inputMode: 'numeric' as const, maxLength: 8 } : {})}
                  value={code}
                  onChange={(event) => setCode(event.target.value)}
                />
              </Field>
            </>
          )}
          <div className="form-actions">
            <button type="submit" className="button-primary button-wide" disabled={signIn.busy}>
              {signIn.busy ? t('login.submitting') : t('login.submit')}
            </button>
          </div>
          {step !== 'password' ? (
            <div className="form-actions">
              <button
                type="button"
                className="button-quiet"
                onClick={() => {
                  signIn.reset();
                  setCode('');
                  setStep(step === 'code' ? 'recovery' : 'code');
                }}
              >
                {step === 'code' ? t('login.useRecoveryCode') : t('login.useAppCode')}
              </button>
              <button type="button" className="button-quiet" onClick={startOver}>
                {t('login.startOver')}
              </button>
            </div>
          ) : null}
        </form>
      </div>
    </BareLayout>
  );
}
