import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import { ROLES, type Role, type UserView } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { usePageTitle } from '../../../ui/hooks';
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
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message?: string; error?: unknown } | null>(null);

  const toggle = (role: Role, on: boolean) =>
    setRoles((current) =>
      on
        ? ROLES.filter((r) => r === role || current.includes(r))
        : current.filter((r) => r !== role),
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (username.trim() === '' || displayName.trim() === '') {
      setProblem({ message: t('users.fieldsRequired') });
      document
        .getElementById(username.trim() === '' ? 'new-username' : 'new-display-name')
        ?.focus();
      return;
    }
    if (roles.length === 0) {
      setProblem({ message: t('users.rolesRequired') });
      document.getElementById(`new-role-${ROLES[0]}`)?.focus();
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      const created = await api.createUser({
        username: username.trim(),
        displayName: displayName.trim(),
        roles,
      });
      setUsername('');
      setDisplayName('');
      setRoles([]);
      onCreated(created.user, created.password);
    } catch (error) {
      setProblem({ error });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" noValidate onSubmit={(event) => void submit(event)}>
      {problem ? <ErrorAlert {...problem} /> : null}
      <div className="field-row">
        <div className="field">
          <label htmlFor="new-username">{t('users.username')}</label>
          <input
            id="new-username"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-display-name">{t('users.displayName')}</label>
          <input
            id="new-display-name"
            autoComplete="off"
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
          />
        </div>
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
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? t('users.creating') : t('users.create')}
        </button>
      </div>
    </form>
  );
}

function UserRow({
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
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const resetButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const setDisabled = async (disabled: boolean) => {
    setBusy(true);
    try {
      const updated = await api.updateUser(user.id, { disabled });
      onChanged(updated);
      onNotice(
        t(disabled ? 'users.disabledDone' : 'users.enabledDone', { username: user.username }),
      );
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    setBusy(true);
    try {
      const password = await api.resetPassword(user.id);
      setConfirming(false);
      onSecret({ username: user.username, password });
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr>
      <th scope="row">
        <code>{user.username}</code>
        {isMe ? <span className="tag">{t('users.you')}</span> : null}
      </th>
      <td>{user.displayName}</td>
      <td>{user.roles.map((role) => t(`roles.${role}`)).join(', ')}</td>
      <td>
        <span className={user.disabled ? 'badge badge-off' : 'badge badge-on'}>
          {user.disabled ? t('users.disabled') : t('users.active')}
        </span>
        {user.mustChangePassword ? <span className="badge">{t('users.mustChange')}</span> : null}
      </td>
      <td className="actions">
        {confirming ? (
          <div
            className="confirm"
            role="group"
            aria-label={t('users.resetPasswordOf', { username: user.username })}
          >
            <p>{t('users.confirmReset', { username: user.username })}</p>
            <button
              ref={confirmButton}
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => void reset()}
            >
              {t('users.confirm')}
            </button>
            <button
              type="button"
              onClick={() => {
                setConfirming(false);
                setTimeout(() => resetButton.current?.focus(), 0);
              }}
            >
              {t('users.cancel')}
            </button>
          </div>
        ) : (
          <>
            {isMe ? null : (
              <button
                type="button"
                disabled={busy}
                aria-label={t(user.disabled ? 'users.enable' : 'users.disable', {
                  username: user.username,
                })}
                onClick={() => void setDisabled(!user.disabled)}
              >
                {user.disabled ? t('users.enableShort') : t('users.disableShort')}
              </button>
            )}
            <button
              ref={resetButton}
              type="button"
              disabled={busy}
              aria-label={t('users.resetPasswordOf', { username: user.username })}
              onClick={() => setConfirming(true)}
            >
              {t('users.resetPassword')}
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

export function UsersPage() {
  const { t } = useTranslation();
  const me = useUser();
  usePageTitle(t('users.title'));
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [secret, setSecret] = useState<Secret | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers(await api.listUsers());
      setLoadError(null);
    } catch (error) {
      setLoadError(error);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useLiveEvent(['user.changed', 'resync'], () => void load());

  const replace = (user: UserView) =>
    setUsers((current) => current?.map((u) => (u.id === user.id ? user : u)) ?? null);

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
        {loadError ? <ErrorAlert error={loadError} /> : null}
        {users === null ? (
          loadError ? null : (
            <p role="status">{t('common.loading')}</p>
          )
        ) : users.length === 0 ? (
          <p>{t('users.empty')}</p>
        ) : (
          <div className="table-wrap" role="region" aria-labelledby="users-list" tabIndex={0}>
            <table>
              <caption className="visually-hidden">
                {t('users.count', { total: users.length })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('users.username')}</th>
                  <th scope="col">{t('users.displayName')}</th>
                  <th scope="col">{t('users.roles')}</th>
                  <th scope="col">{t('users.status')}</th>
                  <th scope="col">{t('users.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {users.map((user) => (
                  <UserRow
                    key={user.id}
                    user={user}
                    isMe={user.id === me.id}
                    onChanged={(updated) => {
                      setActionError(null);
                      replace(updated);
                    }}
                    onSecret={(value) => {
                      setActionError(null);
                      setSecret(value);
                    }}
                    onNotice={setNotice}
                    onError={setActionError}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
