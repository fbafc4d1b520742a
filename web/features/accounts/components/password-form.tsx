import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/client';
import * as api from '../api';
import { ErrorAlert } from '../../../ui/errors';
import '../i18n';

export const MIN_PASSWORD_LENGTH = 12;

/** Current password, new password, confirmation; POST /api/me/password. */
export function PasswordForm({ onChanged }: { onChanged: () => void | Promise<void> }) {
  const { t } = useTranslation();
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<{ message?: string; error?: unknown } | null>(null);
  const [invalid, setInvalid] = useState<'current' | 'next' | 'confirm' | null>(null);
  const [saving, setSaving] = useState(false);
  const [done, setDone] = useState(false);
  const fields = {
    current: useRef<HTMLInputElement>(null),
    next: useRef<HTMLInputElement>(null),
    confirm: useRef<HTMLInputElement>(null),
  };

  const fail = (
    field: 'current' | 'next' | 'confirm',
    issue: { message?: string; error?: unknown },
  ) => {
    setProblem(issue);
    setInvalid(field);
    fields[field].current?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    if (current === '') return fail('current', { message: t('password.currentRequired') });
    if (next.length < MIN_PASSWORD_LENGTH) {
      return fail('next', { message: t('password.tooShort', { min: MIN_PASSWORD_LENGTH }) });
    }
    if (next === current) return fail('next', { message: t('password.sameAsCurrent') });
    if (next !== confirm) return fail('confirm', { message: t('password.mismatch') });
    setProblem(null);
    setInvalid(null);
    setSaving(true);
    try {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
      await onChanged();
    } catch (error) {
      const wrongCurrent = error instanceof ApiError && error.code === 'wrong_password';
      fail(wrongCurrent ? 'current' : 'next', { error });
    } finally {
      setSaving(false);
    }
  };

  const hintId = `${id}-hint`;
  return (
    <form className="form" noValidate onSubmit={(event) => void submit(event)}>
      {problem ? <ErrorAlert {...problem} /> : null}
      {done ? (
        <p role="status" className="alert alert-ok">
          {t('password.changed')}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-current`}>{t('password.current')}</label>
        <input
          ref={fields.current}
          id={`${id}-current`}
          type="password"
          autoComplete="current-password"
          value={current}
          aria-invalid={invalid === 'current' || undefined}
          onChange={(event) => setCurrent(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-new`}>{t('password.new')}</label>
        <input
          ref={fields.next}
          id={`${id}-new`}
          type="password"
          autoComplete="new-password"
          aria-describedby={hintId}
          value={next}
          aria-invalid={invalid === 'next' || undefined}
          onChange={(event) => setNext(event.target.value)}
        />
        <p id={hintId} className="field-hint">
          {t('password.hint', { min: MIN_PASSWORD_LENGTH })}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-confirm`}>{t('password.confirm')}</label>
        <input
          ref={fields.confirm}
          id={`${id}-confirm`}
          type="password"
          autoComplete="new-password"
          value={confirm}
          aria-invalid={invalid === 'confirm' || undefined}
          onChange={(event) => setConfirm(event.target.value)}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={saving}>
          {saving ? t('password.saving') : t('password.submit')}
        </button>
      </div>
    </form>
  );
}
