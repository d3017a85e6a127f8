import type { TemplateLanguage } from '../../../workflows/shared/language.js';

/** The language a message is written in, and its fallback (`de` → `fr`): one rule, in workflows/shared. */
export { TEMPLATE_LANGUAGES, templateLanguage, type TemplateLanguage } from '../../../workflows/shared/language.js';

/** Belgian conventions for fr and nl; British for en (day month year, like the rest of Europe). */
export const LOCALES: Record<TemplateLanguage, string> = { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB' };

/** Dates in e-mails are Brussels calendar dates, whatever the server's time zone. */
const TIME_ZONE = 'Europe/Brussels';

/** An ISO 8601 instant (JSON-safe, so template variables can travel through any queue). */
export type IsoDate = string;

function toDate(iso: IsoDate): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an ISO date: ${JSON.stringify(iso)}`);
  return date;
}

/** `1 mars 2027`, `1 maart 2027`, `1 March 2027`. */
export const formatDate = (iso: IsoDate, language: TemplateLanguage): string =>
  new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeZone: TIME_ZONE }).format(toDate(iso));

/** `avril 2027`, `april 2027`, `April 2027`. */
export const formatMonth = (iso: IsoDate, language: TemplateLanguage): string =>
  new Intl.DateTimeFormat(LOCALES[language], { month: 'long', year: 'numeric', timeZone: TIME_ZONE }).format(
    toDate(iso),
  );

/** `BE68 •••• •••• 7034`: enough for the holder to recognise the account, no more. */
export function maskIban(iban: string): string {
  const compact = iban.replace(/\s+/g, '').toUpperCase();
  if (compact.length < 8) return compact;
  const hidden = Math.ceil((compact.length - 8) / 4);
  return [compact.slice(0, 4), ...Array<string>(hidden).fill('••••'), compact.slice(-4)].join(' ');
}
