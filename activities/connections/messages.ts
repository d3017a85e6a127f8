/**
 * Plain messages of the consent journey. Deliberately small: the typed, reviewed
 * template set of every journey (issue 4) replaces this file.
 */
import type { Language } from '../../workflows/shared/language.js';

const LOCALES: Record<Language, string> = { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB', de: 'de-BE' };

const formatDate = (date: Date, language: Language) =>
  new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeZone: 'Europe/Brussels' }).format(date);

const REMINDER: Record<Language, (date: string, days: number) => { subject: string; text: string }> = {
  en: (date, days) => ({
    subject: `Your bank connection expires in ${days} day${days === 1 ? '' : 's'}`,
    text: `Your consent for the bank connection is valid until ${date}. Renew it at your bank before then, or your accountant stops receiving your transactions.`,
  }),
  fr: (date, days) => ({
    subject: `Votre connexion bancaire expire dans ${days} jour${days === 1 ? '' : 's'}`,
    text: `Votre consentement pour la connexion bancaire est valable jusqu'au ${date}. Renouvelez-le auprès de votre banque avant cette date, sinon votre comptable ne recevra plus vos transactions.`,
  }),
  nl: (date, days) => ({
    subject: `Uw bankkoppeling verloopt over ${days} dag${days === 1 ? '' : 'en'}`,
    text: `Uw toestemming voor de bankkoppeling is geldig tot ${date}. Vernieuw ze vóór die datum bij uw bank, anders ontvangt uw boekhouder uw transacties niet meer.`,
  }),
  de: (date, days) => ({
    subject: `Ihre Bankverbindung läuft in ${days} Tag${days === 1 ? '' : 'en'} ab`,
    text: `Ihre Zustimmung für die Bankverbindung ist bis zum ${date} gültig. Erneuern Sie sie vorher bei Ihrer Bank, sonst erhält Ihr Buchhalter Ihre Transaktionen nicht mehr.`,
  }),
};

const EXPIRED: Record<Language, (date: string) => { subject: string; text: string }> = {
  en: (date) => ({ subject: 'Your bank connection has expired', text: `The consent for the bank connection expired on ${date}. Renew it at your bank to restore the bank feed.` }),
  fr: (date) => ({ subject: 'Votre connexion bancaire a expiré', text: `Le consentement pour la connexion bancaire a expiré le ${date}. Renouvelez-le auprès de votre banque pour rétablir le flux bancaire.` }),
  nl: (date) => ({ subject: 'Uw bankkoppeling is verlopen', text: `De toestemming voor de bankkoppeling is verlopen op ${date}. Vernieuw ze bij uw bank om de bankfeed te herstellen.` }),
  de: (date) => ({ subject: 'Ihre Bankverbindung ist abgelaufen', text: `Die Zustimmung für die Bankverbindung ist am ${date} abgelaufen. Erneuern Sie sie bei Ihrer Bank, um den Bank-Feed wiederherzustellen.` }),
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const withHtml = (m: { subject: string; text: string }) => ({ ...m, html: `<p>${escapeHtml(m.text)}</p>` });

export const consentReminderMessage = (language: Language, validUntil: Date, daysBefore: number) =>
  withHtml(REMINDER[language](formatDate(validUntil, language), daysBefore));

export const consentExpiredMessage = (language: Language, validUntil: Date) =>
  withHtml(EXPIRED[language](formatDate(validUntil, language)));
