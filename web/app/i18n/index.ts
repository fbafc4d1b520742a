import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLanguage, type Language } from '../types';
import en from './en.json';
import zhCN from './zh-CN.json';

/** The app's own strings; each feature adds its own when its code loads (addStrings). */
export const resources = {
  en: { translation: en },
  'zh-CN': { translation: zhCN },
} as const;

const STORAGE_KEY = 'liaison.language';

/** The language this browser asks for: Simplified Chinese for any zh-*, else English. */
export function browserLanguage(): Language {
  const wanted = typeof navigator === 'undefined' ? [] : navigator.languages;
  for (const tag of wanted) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function storedLanguage(): Language | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

/** Remembers the choice in this browser; null forgets it (follow the browser). */
export function storeLanguage(language: Language | null): void {
  try {
    if (language === null) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Storage may be disabled (private mode, policy): the choice then lasts this page only.
  }
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

function reflectLanguage(language: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

i18n.on('languageChanged', reflectLanguage);

void i18n.use(initReactI18next).init({
  resources,
  lng: storedLanguage() ?? browserLanguage(),
  fallbackLng: 'en',
  supportedLngs: ['en', 'zh-CN'],
  load: 'currentOnly',
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

reflectLanguage(i18n.language);

/**
 * Registers a feature's strings in both languages (web/features/<name>/i18n/index.ts, imported
 * by that feature's pages and components), so a lazily loaded chunk brings its own strings and
 * switching language still finds them. Deep merge: a feature adds top-level keys of its own.
 */
export function addStrings(english: object, chinese: object): void {
  i18n.addResourceBundle('en', 'translation', english, true, true);
  i18n.addResourceBundle('zh-CN', 'translation', chinese, true, true);
}

export default i18n;
