import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../../../app/api';
import { isLanguage, LANGUAGES, type Language } from '../../../app/types';
import { problemFields, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { timeZones } from '../../../ui/format';
import { usePageTitle } from '../../../ui/hooks';
import { PasswordForm } from '../components/password-form';
import { SecondFactorSection } from '../components/second-factor';
import { SessionsSection } from '../components/sessions';
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
  const [saved, setSaved] = useState(false);
  const save = useSubmit(api.updateMe, (updated, body) => {
    setUser(updated);
    applyLanguage(body.language ?? null);
    setSaved(true);
  });
  const labels = {
    displayName: t('settings.displayName'),
    timeZone: t('settings.timeZone'),
    language: t('settings.language'),
  };
  const invalid = problemFields(save.problem);

  // The header's language switch also changes the account's language: follow it.
  useEffect(() => {
    setLanguage(user.language ?? '');
  }, [user.language]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (displayName.trim() === '') {
      save.fail({ message: t('settings.displayNameRequired'), field: 'displayName' });
      document.getElementById('settings-display-name')?.focus();
      return;
    }
    void save.submit({
      displayName: displayName.trim(),
      timeZone: timeZone === '' ? null : timeZone,
      language: language === '' ? null : language,
    });
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <ProblemAlert problem={save.problem} fields={labels} />
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
      <Field
        id="settings-display-name"
        label={labels.displayName}
        invalid={invalid.has('displayName')}
      >
        <input
          autoComplete="name"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
        />
      </Field>
      <Field id="settings-time-zone" label={labels.timeZone} invalid={invalid.has('timeZone')}>
        <select value={timeZone} onChange={(event) => setTimeZone(event.target.value)}>
          <option value="">{t('settings.browserZone', { zone: browserTimeZone() })}</option>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </Field>
      <Field id="settings-language" label={labels.language}>
        <select
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
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={save.busy}>
          {save.busy ? t('settings.saving') : t('settings.save')}
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
      <section className="card" aria-labelledby="settings-second-factor">
        <h2 id="settings-second-factor">{t('secondFactor.title')}</h2>
        <SecondFactorSection />
      </section>
      <section className="card" aria-labelledby="settings-sessions">
        <h2 id="settings-sessions">{t('sessions.title')}</h2>
        <SessionsSection />
      </section>
    </section>
  );
}
