import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import { ROLES, type Role, type UserView } from '../../../app/types';
import { AsyncTable, type Column } from '../../../ui/async-table';
import { Confirm } from '../../../ui/confirm';
import { ErrorAlert, problemFields, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { upsertById } from '../../../ui/lists';
import { useSubmit } from '../../../ui/submit';
import { useLiveEvent } from '../../../app/live-events';
import { OneTimePassword } from '../components/one-time-password';
import { useUser } from '../../../app/session';
import '../i18n';

interface Secret {
  username: string;
  password: string;
}

function CreateUserForm({
  onCreated,
}: {
  onCreated: (user: UserView, password: string | null) => void;
}) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const create = useSubmit(api.createUser, (created) => {
    setUsername('');
    setDisplayName('');
    setRoles([]);
    onCreated(created.user, created.password);
  });
  const labels = { username: t('users.username'), displayName: t('users.displayName') };
  const invalid = problemFields(create.problem);

  const toggle = (role: Role, on: boolean) =>
    setRoles((current) =>
      on
        ? ROLES.filter((r) => r === role || current.includes(r))
        : current.filter((r) => r !== role),
    );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (username.trim() === '' || displayName.trim() === '') {
      const field = username.trim() === '' ? 'username' : 'displayName';
      create.fail({ message: t('users.fieldsRequired'), field });
      document.getElementById(field === 'username' ? 'new-username' : 'new-display-name')?.focus();
      return;
    }
    if (roles.length === 0) {
      create.fail({ message: t('users.rolesRequired'), field: 'roles' });
      document.getElementById(`new-role-${ROLES[0]}`)?.focus();
      return;
    }
    void create.submit({ username: username.trim(), displayName: displayName.trim(), roles });
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <ProblemAlert problem={create.problem} fields={labels} />
      <div className="field-row">
        <Field id="new-username" label={labels.username} invalid={invalid.has('username')}>
          <input
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </Field>
        <Field
          id="new-display-name"
          label={labels.displayName}
          invalid={invalid.has('displayName')}
        >
          <input
            autoComplete="off"
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
          />
        </Field>
      </div>
      <fieldset className="checkboxes">
        <legend>{t('users.roles')}</legend>
        {ROLES.map((role) => (
          <div key={role} className="checkbox">
            <input
              type="checkbox"
              id={`new-role-${role}`}
              checked={roles.includes(role)}
              onChange={(event) => toggle(role, event.target.checked)}
            />
            <label htmlFor={`new-role-${role}`}>{t(`roles.${role}`)}</label>
          </div>
        ))}
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={create.busy}>
          {create.busy ? t('users.creating') : t('users.create')}
        </button>
      </div>
    </form>
  );
}

function UserActions({
  user,
  isMe,
  onChanged,
  onSecret,
  onNotice,
  onError,
}: {
  user: UserView;
  isMe: boolean;
  onChanged: (user: UserView) => void;
  onSecret: (secret: Secret) => void;
  onNotice: (text: string) => void;
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState<'password' | 'secondFactor' | null>(null);
  const resetButton = useRef<HTMLButtonElement>(null);
  const factorButton = useRef<HTMLButtonElement>(null);
  const toggle = useSubmit(
    (disabled: boolean) => api.updateUser(user.id, { disabled }),
    (updated, disabled) => {
      onChanged(updated);
      onNotice(
        t(disabled ? 'users.disabledDone' : 'users.enabledDone', { username: user.username }),
      );
    },
  );
  const reset = useSubmit(
    () => api.resetPassword(user.id),
    (password) => {
      setConfirming(null);
      onSecret({ username: user.username, password });
    },
  );
  const resetFactor = useSubmit(
    () => api.resetSecondFactor(user.id),
    () => {
      setConfirming(null);
      onChanged({ ...user, secondFactor: false });
      onNotice(t('users.secondFactorResetDone', { username: user.username }));
    },
  );
  const busy = toggle.busy || reset.busy || resetFactor.busy;
  const failed = toggle.problem?.error ?? reset.problem?.error ?? resetFactor.problem?.error;
  useEffect(() => {
    if (failed) onError(failed);
  }, [failed, onError]);

  if (confirming === 'secondFactor') {
    return (
      <Confirm
        label={t('users.resetSecondFactorOf', { username: user.username })}
        question={t('users.confirmResetSecondFactor', { username: user.username })}
        confirm={t('users.confirm')}
        cancel={t('users.cancel')}
        busy={busy}
        onConfirm={() => void resetFactor.submit()}
        onCancel={() => setConfirming(null)}
        returnFocus={factorButton}
      />
    );
  }
  return confirming === 'password' ? (
    <Confirm
      label={t('users.resetPasswordOf', { username: user.username })}
      question={t('users.confirmReset', { username: user.username })}
      confirm={t('users.confirm')}
      cancel={t('users.cancel')}
      busy={busy}
      onConfirm={() => void reset.submit()}
      onCancel={() => setConfirming(null)}
      returnFocus={resetButton}
    />
  ) : (
    <>
      {isMe ? null : (
        <button
          type="button"
          disabled={busy}
          aria-label={t(user.disabled ? 'users.enable' : 'users.disable', {
            username: user.username,
          })}
          onClick={() => void toggle.submit(!user.disabled)}
        >
          {user.disabled ? t('users.enableShort') : t('users.disableShort')}
        </button>
      )}
      <button
        ref={resetButton}
        type="button"
        disabled={busy}
        aria-label={t('users.resetPasswordOf', { username: user.username })}
        onClick={() => setConfirming('password')}
      >
        {t('users.resetPassword')}
      </button>
      {user.secondFactor && !isMe ? (
        <button
          ref={factorButton}
          type="button"
          disabled={busy}
          aria-label={t('users.resetSecondFactorOf', { username: user.username })}
          onClick={() => setConfirming('secondFactor')}
        >
          {t('users.resetSecondFactor')}
        </button>
      ) : null}
    </>
  );
}

export function UsersPage() {
  const { t } = useTranslation();
  const me = useUser();
  usePageTitle(t('users.title'));
  const {
    data: users,
    setData: setUsers,
    error: loadError,
    reload: load,
  } = useLoader<UserView[]>(useCallback(() => api.listUsers(), []));
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [secret, setSecret] = useState<Secret | null>(null);

  useLiveEvent(['user.changed', 'resync'], () => void load());

  const columns: Column<UserView>[] = [
    {
      header: t('users.username'),
      rowHeader: true,
      cell: (user) => (
        <>
          <code>{user.username}</code>
          {user.id === me.id ? <span className="tag">{t('users.you')}</span> : null}
        </>
      ),
    },
    { header: t('users.displayName'), cell: (user) => user.displayName },
    {
      header: t('users.roles'),
      cell: (user) => user.roles.map((role) => t(`roles.${role}`)).join(', '),
    },
    {
      header: t('users.status'),
      cell: (user) => (
        <>
          <span className={user.disabled ? 'badge badge-off' : 'badge badge-on'}>
            {user.disabled ? t('users.disabled') : t('users.active')}
          </span>
          {user.mustChangePassword ? <span className="badge">{t('users.mustChange')}</span> : null}
          {user.secondFactor ? <span className="badge">{t('users.secondFactor')}</span> : null}
          {user.mustEnrollSecondFactor ? (
            <span className="badge">{t('users.mustEnroll')}</span>
          ) : null}
        </>
      ),
    },
    {
      header: t('users.actions'),
      className: 'actions',
      cell: (user) => (
        <UserActions
          user={user}
          isMe={user.id === me.id}
          onChanged={(updated) => {
            setActionError(null);
            setUsers((current) => upsertById(current, updated));
          }}
          onSecret={(value) => {
            setActionError(null);
            setSecret(value);
          }}
          onNotice={setNotice}
          onError={setActionError}
        />
      ),
    },
  ];

  return (
    <section className="page">
      <h1>{t('users.title')}</h1>
      <p className="lead">{t('users.intro')}</p>

      {secret ? (
        <OneTimePassword
          username={secret.username}
          password={secret.password}
          onHide={() => setSecret(null)}
        />
      ) : null}

      <section className="card" aria-labelledby="users-create">
        <h2 id="users-create">{t('users.createTitle')}</h2>
        <CreateUserForm
          onCreated={(user, password) => {
            setUsers((current) =>
              current && !current.some((u) => u.id === user.id) ? [...current, user] : current,
            );
            setNotice('');
            if (password) setSecret({ username: user.username, password });
          }}
        />
      </section>

      <section aria-labelledby="users-list">
        <div className="section-head">
          <h2 id="users-list">{t('users.listTitle')}</h2>
          <button type="button" onClick={() => void load()}>
            {t('common.refresh')}
          </button>
        </div>
        <p role="status" className="small">
          {notice}
        </p>
        {actionError ? <ErrorAlert error={actionError} /> : null}
        <AsyncTable
          rows={users}
          error={loadError}
          empty={<p>{t('users.empty')}</p>}
          columns={columns}
          rowKey={(user) => user.id}
          label={t('users.listTitle')}
          caption={
            <span className="visually-hidden">
              {t('users.count', { total: users?.length ?? 0 })}
            </span>
          }
        />
      </section>
    </section>
  );
}
