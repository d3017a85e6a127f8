import type { EmailContent } from './layout.js';
import type { TemplateLanguage } from './language.js';

/** The name the service signs with (the display name of EMAIL_FROM by default). */
export const SERVICE_NAME = 'Bankfeed';

/** Who reads a message: decides tone and signature, documented on each template. */
export type Audience = 'client' | 'cardholder' | 'connection-owner' | 'office';

/**
 * One message in every language. `V` is its variables: the registry types callers with it,
 * so a missing or misspelled variable is a compile error, never a blank in a sent e-mail.
 */
export interface TemplateDef<V> {
  audience: Audience;
  content: Record<TemplateLanguage, (vars: V) => EmailContent>;
}

export const defineTemplate = <V>(def: TemplateDef<V>): TemplateDef<V> => def;

/** KBC and CBC (same group) let the customer link the service in the bank app instead of signing. */
export type KbcGroupBank = 'KBC' | 'CBC';

/** Reminder `number` of `of` (the schedule's maximum). */
export interface ReminderCount {
  number: number;
  of: number;
}

export const GREETING: Record<TemplateLanguage, string> = { fr: 'Bonjour,', nl: 'Beste,', en: 'Hello,' };

/** Signature of a message the service sends for an office. */
export const onBehalfOf: Record<TemplateLanguage, (officeName: string) => string> = {
  fr: (office) => `Cordialement,\n${SERVICE_NAME}, pour le compte de ${office}`,
  nl: (office) => `Met vriendelijke groeten,\n${SERVICE_NAME}, namens ${office}`,
  en: (office) => `Kind regards,\n${SERVICE_NAME}, on behalf of ${office}`,
};

/** Signature of a message to the office itself. */
export const fromService: Record<TemplateLanguage, string> = {
  fr: `Cordialement,\n${SERVICE_NAME}`,
  nl: `Met vriendelijke groeten,\n${SERVICE_NAME}`,
  en: `Kind regards,\n${SERVICE_NAME}`,
};
