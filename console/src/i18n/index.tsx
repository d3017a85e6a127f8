import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en } from './en';
import { fr } from './fr';
import type { Dictionary, MessageKey } from './keys';
import { nl } from './nl';

export type { MessageKey } from './keys';
export const LANGUAGES = ['fr', 'nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
/** The languages of clients' and cardholders' e-mails (the console itself speaks fr, nl, en). */
export const CONTENT_LANGUAGES = ['fr', 'nl', 'en', 'de'] as const;
export type ContentLanguage = (typeof CONTENT_LANGUAGES)[number];
const DICTIONARIES: Record<Language, Dictionary> = { fr, nl, en };
const STORAGE_KEY = 'bankfeed.console.language';

export const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);
export const isMessageKey = (key: string): key is MessageKey => key in en;

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  /** The language chosen in the header (kept in this browser), else the user's own. */
  setLanguage(language: Language): void;
  t: Translate;
  /** A key built from data (a status, an action): its words when the dictionary has them, else the raw value. */
  tOr(key: string, fallback: string, vars?: Record<string, string | number>): string;
  date(iso: string): string;
  dateTime(iso: string): string;
  /** To the second: a timeline's steps often fall within one minute. */
  timestamp(iso: string): string;
  duration(ms: number): string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

const fill = (text: string, vars: Record<string, string | number> = {}) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));

const storedLanguage = (): Language | undefined => {
  const value = window.localStorage.getItem(STORAGE_KEY);
  return isLanguage(value) ? value : undefined;
};

export function I18nProvider({ userLanguage, children }: { userLanguage: Language | undefined; children: ReactNode }) {
  const [chosen, setChosen] = useState<Language | undefined>(storedLanguage);
  const language = chosen ?? userLanguage ?? 'en';
  const setLanguage = useCallback((next: Language) => {
    window.localStorage.setItem(STORAGE_KEY, next);
    setChosen(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo<I18n>(() => {
    const dictionary = DICTIONARIES[language];
    const locale = `${language}-BE`;
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
    const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const timestampFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
    const t: Translate = (key, vars) => fill(dictionary[key], vars);
    return {
      language,
      setLanguage,
      t,
      tOr: (key, fallback, vars) => (isMessageKey(key) ? t(key, vars) : fallback),
      date: (iso) => dateFormat.format(new Date(iso)),
      dateTime: (iso) => dateTimeFormat.format(new Date(iso)),
      timestamp: (iso) => timestampFormat.format(new Date(iso)),
      duration: (ms) => {
        const units: [Intl.RelativeTimeFormatUnit, number][] = [
          ['day', 86_400_000],
          ['hour', 3_600_000],
          ['minute', 60_000],
          ['second', 1_000],
        ];
        const [unit, size] = units.find(([, size]) => ms >= size) ?? ['second', 1_000];
        return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(
          Math.floor(ms / size),
        );
      },
    };
  }, [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
