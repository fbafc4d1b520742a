import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from './types';
import { currentLanguage } from './i18n';
import { useSession } from './session';

/** English / 简体中文, each named in its own language; shown on every page. */
export function LanguageSwitch() {
  const { t } = useTranslation(); // re-renders when the language changes
  const { changeLanguage } = useSession();
  const [saveFailed, setSaveFailed] = useState(false);
  const active = currentLanguage();

  const choose = (language: Language) => {
    setSaveFailed(false);
    changeLanguage(language).catch(() => setSaveFailed(true));
  };

  return (
    <div className="language-switch">
      <div role="group" aria-label={t('language.label')} className="segmented">
        {LANGUAGES.map((language) => (
          <button
            key={language}
            type="button"
            lang={language}
            aria-pressed={active === language}
            onClick={() => choose(language)}
          >
            {t(`language.names.${language}`)}
          </button>
        ))}
      </div>
      {saveFailed ? (
        <p className="language-switch-error" role="status">
          {t('language.saveFailed')}
        </p>
      ) : null}
    </div>
  );
}
