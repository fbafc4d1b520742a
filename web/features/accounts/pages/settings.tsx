import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../../../app/api';
import { isLanguage, LANGUAGES, type Language } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { timeZones } from '../../../ui/format';
import { usePageTitle } from '../../../ui/hooks';
import { PasswordForm } from '../components/password-form';
import { applyLanguage, browserTimeZone, useSession, useUser } from '../../../app/session';
import '../i18n';

function ProfileForm() {
  const { t } = useTranslation();
  const user = useUser();
  const { setUser } = useSession();
  const zones = useMemo(() => {
    const all = timeZones();
    if (user.timeZone && !all.includes(user.timeZone)) all.unshift(user.timeZone);
    return all;
  }, [user.timeZone]);
  const [displayName, setDisplayName] = useState(user.displayName);
  const [timeZone, setTimeZone] = useState(user.timeZone ?? '');
  const [language, setLanguage] = useState<Language | ''>(user.language ?? '');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [problem, setProblem] = useState<{ message?: string; error?: unknown } | null>(null);

  // The header's language switch also changes the account's language: follow it.
  useEffect(() => {
    setLanguage(user.language ?? '');
  }, [user.language]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (displayName.trim() === '') {
      setProblem({ message: t('settings.displayNameRequired') });
      document.getElementById('settings-display-name')?.focus();
      return;
    }
    setProblem(null);
    setSaving(true);
    try {
      const wanted = language === '' ? null : language;
      const updated = await api.updateMe({
        displayName: displayName.trim(),
        timeZone: timeZone === '' ? null : timeZone,
        language: wanted,
      });
      setUser(updated);
      applyLanguage(wanted);
      setSaved(true);
    } catch (error) {
      setProblem({ error });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="form" noValidate onSubmit={(event) => void submit(event)}>
      {problem ? <ErrorAlert {...problem} /> : null}
      {saved ? (
        <p role="status" className="alert alert-ok">
          {t('settings.saved')}
        </p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>{t('settings.username')}</dt>
          <dd>
            <code>{user.username}</code>
          </dd>
        </div>
        <div>
          <dt>{t('settings.roles')}</dt>
          <dd>{user.roles.map((role) => t(`roles.${role}`)).join(', ')}</dd>
        </div>
      </dl>
      <div className="field">
        <label htmlFor="settings-display-name">{t('settings.displayName')}</label>
        <input
          id="settings-display-name"
          autoComplete="name"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="settings-time-zone">{t('settings.timeZone')}</label>
        <select
          id="settings-time-zone"
          value={timeZone}
          onChange={(event) => setTimeZone(event.target.value)}
        >
          <option value="">{t('settings.browserZone', { zone: browserTimeZone() })}</option>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="settings-language">{t('settings.language')}</label>
        <select
          id="settings-language"
          value={language}
          onChange={(event) => {
            const value = event.target.value;
            setLanguage(isLanguage(value) ? value : '');
          }}
        >
          <option value="">{t('language.browser')}</option>
          {LANGUAGES.map((code) => (
            <option key={code} value={code} lang={code}>
              {t(`language.names.${code}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={saving}>
          {saving ? t('settings.saving') : t('settings.save')}
        </button>
      </div>
    </form>
  );
}

export function SettingsPage() {
  const { t } = useTranslation();
  usePageTitle(t('settings.title'));
  return (
    <section className="page narrow">
      <h1>{t('settings.title')}</h1>
      <section className="card" aria-labelledby="settings-profile">
        <h2 id="settings-profile">{t('settings.profileTitle')}</h2>
        <ProfileForm />
      </section>
      <section className="card" aria-labelledby="settings-password">
        <h2 id="settings-password">{t('password.title')}</h2>
        <PasswordForm onChanged={() => undefined} />
      </section>
    </section>
  );
}
