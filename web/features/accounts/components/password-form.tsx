import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/client';
import * as api from '../api';
import { ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import '../i18n';

export const MIN_PASSWORD_LENGTH = 12;

type Which = 'current' | 'next' | 'confirm';

/** Current password, new password, confirmation; POST /api/me/password. */
export function PasswordForm({ onChanged }: { onChanged: () => void | Promise<void> }) {
  const { t } = useTranslation();
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const fields = {
    current: useRef<HTMLInputElement>(null),
    next: useRef<HTMLInputElement>(null),
    confirm: useRef<HTMLInputElement>(null),
  };
  const save = useSubmit(async (from: string, to: string) => {
    await api.changePassword(from, to);
    setCurrent('');
    setNext('');
    setConfirm('');
    setDone(true);
    await onChanged();
  });
  const problem = save.problem;
  // The node's refusal is about the current password when it is wrong, else the new one.
  const invalid: Which | null = problem
    ? ((problem.field as Which | undefined) ??
      (problem.error instanceof ApiError && problem.error.code === 'wrong_password'
        ? 'current'
        : 'next'))
    : null;
  useEffect(() => {
    if (problem && invalid) fields[invalid].current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the refs never change
  }, [problem, invalid]);

  const fail = (field: Which, message: string) => save.fail({ message, field });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    if (current === '') return fail('current', t('password.currentRequired'));
    if (next.length < MIN_PASSWORD_LENGTH) {
      return fail('next', t('password.tooShort', { min: MIN_PASSWORD_LENGTH }));
    }
    if (next === current) return fail('next', t('password.sameAsCurrent'));
    if (next !== confirm) return fail('confirm', t('password.mismatch'));
    void save.submit(current, next);
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <ProblemAlert
        problem={problem}
        fields={{ currentPassword: t('password.current'), newPassword: t('password.new') }}
      />
      {done ? (
        <p role="status" className="alert alert-ok">
          {t('password.changed')}
        </p>
      ) : null}
      <Field id={`${id}-current`} label={t('password.current')} invalid={invalid === 'current'}>
        <input
          ref={fields.current}
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
      </Field>
      <Field
        id={`${id}-new`}
        label={t('password.new')}
        hint={t('password.hint', { min: MIN_PASSWORD_LENGTH })}
        invalid={invalid === 'next'}
      >
        <input
          ref={fields.next}
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(event) => setNext(event.target.value)}
        />
      </Field>
      <Field id={`${id}-confirm`} label={t('password.confirm')} invalid={invalid === 'confirm'}>
        <input
          ref={fields.confirm}
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(event) => setConfirm(event.target.value)}
        />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={save.busy}>
          {save.busy ? t('password.saving') : t('password.submit')}
        </button>
      </div>
    </form>
  );
}
