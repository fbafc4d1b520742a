import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SecondFactorEnrollment } from '../../../../src/core/schemas/accounts';
import { useSession, useUserTimeZone } from '../../../app/session';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { formatDateTime } from '../../../ui/format';
import { useLoader } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import * as api from '../api';
import { RecoveryCodesPanel } from './recovery-codes';
import '../accounts.css';
import '../i18n';

/** The QR code the node drew (an SVG document), shown as an image: never as markup. */
function QrCode({ svg, label }: { svg: string; label: string }) {
  return (
    <img
      className="second-factor-qr"
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
      alt={label}
    />
  );
}

/**
 * The first step of an enrolment: the account's password (asked once, here), so that a
 * session left open, or a stolen cookie, cannot set up someone else's authenticator.
 */
function BeginEnrollment({ onBegun }: { onBegun: (value: SecondFactorEnrollment) => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const begin = useSubmit(api.beginSecondFactor, (value) => {
    setPassword('');
    onBegun(value);
  });
  const labels = { password: t('secondFactor.password') };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password === '') {
      begin.fail({ message: t('secondFactor.passwordRequired'), field: 'password' });
      document.getElementById('second-factor-password')?.focus();
      return;
    }
    void begin.submit(password);
  };
  return (
    <form className="form" noValidate onSubmit={submit}>
      <p>{t('secondFactor.offIntro')}</p>
      <ProblemAlert problem={begin.problem} fields={labels} />
      <Field
        id="second-factor-password"
        label={labels.password}
        hint={t('secondFactor.passwordHint')}
        invalid={begin.problem !== null}
      >
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={begin.busy}>
          {begin.busy ? t('secondFactor.starting') : t('secondFactor.start')}
        </button>
      </div>
    </form>
  );
}

/**
 * Enrolling an authenticator app: the password, then a new secret (its QR code, and the key
 * to type by hand), the first code from the app to turn it on, then the recovery codes, shown
 * once.
 */
export function EnrollSecondFactor({ onEnrolled }: { onEnrolled: () => void }) {
  const { t } = useTranslation();
  const [enrollment, setEnrollment] = useState<SecondFactorEnrollment | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const confirm = useSubmit(api.confirmSecondFactor, (recoveryCodes) => setCodes(recoveryCodes));
  const labels = { code: t('secondFactor.code') };

  if (codes) return <RecoveryCodesPanel codes={codes} onDone={onEnrolled} />;

  if (!enrollment) {
    return (
      <BeginEnrollment
        onBegun={(value) => {
          setEnrollment(value);
          setCode('');
        }}
      />
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === '') {
      confirm.fail({ message: t('secondFactor.codeRequired'), field: 'code' });
      document.getElementById('second-factor-code')?.focus();
      return;
    }
    void confirm.submit(code.trim());
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <ol className="second-factor-steps">
        <li>
          <p>{t('secondFactor.scan')}</p>
          <QrCode svg={enrollment.qrSvg} label={t('secondFactor.qrLabel')} />
          <Field
            id="second-factor-secret"
            label={t('secondFactor.secret')}
            hint={t('secondFactor.secretHint')}
          >
            <input
              className="secret"
              readOnly
              spellCheck={false}
              value={enrollment.secret}
              onFocus={(event) => event.currentTarget.select()}
            />
          </Field>
        </li>
        <li>
          <ProblemAlert problem={confirm.problem} fields={labels} />
          <Field
            id="second-factor-code"
            label={labels.code}
            hint={t('secondFactor.codeHint')}
            invalid={confirm.problem !== null}
          >
            <input
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={8}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          </Field>
        </li>
      </ol>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={confirm.busy}>
          {confirm.busy ? t('secondFactor.turningOn') : t('secondFactor.turnOn')}
        </button>
      </div>
    </form>
  );
}

type Action = 'regenerate' | 'disable';

/** New recovery codes, or turning the factor off: each asks the password or a current code. */
function ProvedAction({
  action,
  onCodes,
  onDisabled,
  onCancel,
}: {
  action: Action;
  onCodes: (codes: string[]) => void;
  onDisabled: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [proof, setProof] = useState('');
  const run = useSubmit(async (value: string) => {
    // Six digits are a code (no password is that short); anything else is the password.
    const body: api.SecondFactorProof = /^\d{6}$/.test(value.replace(/\s/g, ''))
      ? { code: value.replace(/\s/g, '') }
      : { password: value };
    if (action === 'disable') {
      await api.disableSecondFactor(body);
      onDisabled();
    } else {
      onCodes(await api.regenerateRecoveryCodes(body));
    }
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (proof === '') {
      run.fail({ message: t('secondFactor.proofRequired'), field: 'proof' });
      document.getElementById('second-factor-proof')?.focus();
      return;
    }
    void run.submit(proof);
  };
  return (
    <form className="form" noValidate onSubmit={submit}>
      <ProblemAlert problem={run.problem} />
      <p>
        {action === 'disable' ? t('secondFactor.disableIntro') : t('secondFactor.regenerateIntro')}
      </p>
      <Field
        id="second-factor-proof"
        label={t('secondFactor.proof')}
        invalid={run.problem !== null}
      >
        <input
          type="password"
          autoComplete="current-password"
          value={proof}
          onChange={(event) => setProof(event.target.value)}
        />
      </Field>
      <div className="form-actions">
        <button
          type="submit"
          className={action === 'disable' ? 'button-danger' : 'button-primary'}
          disabled={run.busy}
        >
          {action === 'disable' ? t('secondFactor.disable') : t('secondFactor.regenerate')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('secondFactor.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The settings' Security section: the second factor's state, and what can be done with it. */
export function SecondFactorSection() {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const { refresh } = useSession();
  const {
    data: status,
    error,
    reload,
  } = useLoader(useCallback(() => api.secondFactorStatus(), []));
  const [action, setAction] = useState<Action | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [notice, setNotice] = useState('');

  const changed = () => {
    setAction(null);
    void reload();
    void refresh();
  };

  if (codes) {
    return (
      <RecoveryCodesPanel
        codes={codes}
        onDone={() => {
          setCodes(null);
          void reload();
        }}
      />
    );
  }
  if (!status)
    return error ? <ErrorAlert error={error} /> : <p role="status">{t('common.loading')}</p>;
  return (
    <>
      {error ? <ErrorAlert error={error} /> : null}
      <p role="status" className="small">
        {notice}
      </p>
      {status.required && !status.enabled ? (
        <p className="alert alert-error" role="note">
          {t('secondFactor.requiredNotice')}
        </p>
      ) : null}
      {!status.enabled ? (
        <EnrollSecondFactor
          onEnrolled={() => {
            setNotice(t('secondFactor.enabledDone'));
            changed();
          }}
        />
      ) : (
        <>
          <dl className="facts">
            <div>
              <dt>{t('secondFactor.state')}</dt>
              <dd>
                <span className="badge badge-on">{t('secondFactor.on')}</span>{' '}
                {status.enabledAt
                  ? t('secondFactor.since', {
                      when: formatDateTime(status.enabledAt, i18n.language, zone),
                    })
                  : null}
              </dd>
            </div>
            <div>
              <dt>{t('secondFactor.codesLeft')}</dt>
              <dd>{status.recoveryCodesLeft}</dd>
            </div>
          </dl>
          {action ? (
            <ProvedAction
              action={action}
              onCodes={(fresh) => {
                setAction(null);
                setCodes(fresh);
              }}
              onDisabled={() => {
                setNotice(t('secondFactor.disabledDone'));
                changed();
              }}
              onCancel={() => setAction(null)}
            />
          ) : (
            <div className="form-actions">
              <button type="button" onClick={() => setAction('regenerate')}>
                {t('secondFactor.regenerate')}
              </button>
              {status.required ? null : (
                <button
                  type="button"
                  className="button-danger"
                  onClick={() => setAction('disable')}
                >
                  {t('secondFactor.disable')}
                </button>
              )}
            </div>
          )}
        </>
      )}
    </>
  );
}
