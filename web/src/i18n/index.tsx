import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import ar from './ar.json';
import en from './en.json';
import fr from './fr.json';
import vi from './vi.json';

export type MessageKey = keyof typeof en;
export const LANGUAGES = ['en', 'fr', 'vi', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every catalogue must name every English key: a missing translation fails the type check. */
const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en, fr, vi, ar };
/** Each language's own name, shown as such in the switcher whatever the current language. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  fr: 'Français',
  vi: 'Tiếng Việt',
  ar: 'العربية',
};
const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set(['ar']);
const STORAGE_KEY = 'mla-portal.language';

/** For keys built at run time (a field's path, an enum value): whether the catalogues have it. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

function isLanguage(value: string | null | undefined): value is Language {
  return (LANGUAGES as readonly string[]).includes(value ?? '');
}

/** The stored choice, else the browser's first language we have, else English. */
function initialLanguage(): Language {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  if (isLanguage(stored)) return stored;
  const browser = navigator.languages.map((tag) => tag.slice(0, 2).toLowerCase()).find(isLanguage);
  return browser ?? 'en';
}

export function I18nProvider({ children, language: fixed }: { children: ReactNode; language?: Language }) {
  const [language, setLanguageState] = useState<Language>(() => fixed ?? initialLanguage());

  // The document's language and direction follow the choice: screen readers pick their voice from
  // lang, and dir="rtl" mirrors the whole layout for Arabic.
  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dir = RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    window.localStorage.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);

  const t = useCallback<Translate>(
    (key, values = {}) =>
      CATALOGUES[language][key].replace(/\{(\w+)\}/g, (match, name: string) =>
        name in values ? String(values[name]) : match,
      ),
    [language],
  );

  const value = useMemo(() => ({ language, setLanguage, t }), [language, setLanguage, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
