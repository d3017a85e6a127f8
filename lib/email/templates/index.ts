/**
 * Every message of the three journeys, by id. `renderTemplate(id, vars, language)` is typed per
 * id: a missing or misspelled variable is a compile error.
 */
import {
  caroBankAppInstructions,
  caroConfirmation,
  caroInvitation,
  caroPreorderWarning,
  caroReminder,
} from './caro.js';
import { caroFailure } from './caro-failure.js';
import { consentExpiredOffice, consentExpiredOwner, consentInvitation, consentReminder } from './consent.js';
import type { TemplateDef } from './define.js';
import { renderLayout, type RenderedEmail } from './layout.js';
import { templateLanguage, type TemplateLanguage } from './language.js';
import { webhookDisabled } from './webhooks.js';
import { mandateBankLinkInstructions, mandateInvitation, mandateReminder, mandateStalled } from './mandate.js';

export const TEMPLATES = {
  'mandate.invitation': mandateInvitation,
  'mandate.bank-link-instructions': mandateBankLinkInstructions,
  'mandate.reminder': mandateReminder,
  'mandate.stalled': mandateStalled,
  'caro.preorder-warning': caroPreorderWarning,
  'caro.invitation': caroInvitation,
  'caro.bank-app-instructions': caroBankAppInstructions,
  'caro.reminder': caroReminder,
  'caro.confirmation': caroConfirmation,
  'caro.failure': caroFailure,
  'consent.reminder': consentReminder,
  'consent.expired.owner': consentExpiredOwner,
  'consent.expired.office': consentExpiredOffice,
  'consent.invitation': consentInvitation,
  'webhook.disabled': webhookDisabled,
};

export type TemplateId = keyof typeof TEMPLATES;
export type TemplateVars<K extends TemplateId> = (typeof TEMPLATES)[K] extends TemplateDef<infer V> ? V : never;
export const TEMPLATE_IDS = Object.keys(TEMPLATES) as TemplateId[];

// The registry seen through a mapped type, so that a generic id indexes its own variables.
const registry: { [K in TemplateId]: TemplateDef<TemplateVars<K>> } = TEMPLATES;

export interface RenderedTemplate extends RenderedEmail {
  /** The language it was written in, after the fallback (de → fr, unknown → en). */
  language: TemplateLanguage;
}

export function renderTemplate<K extends TemplateId>(
  id: K,
  vars: TemplateVars<K>,
  requestedLanguage: string | null | undefined,
): RenderedTemplate {
  const language = templateLanguage(requestedLanguage);
  const write: (vars: TemplateVars<K>) => Parameters<typeof renderLayout>[0] = registry[id].content[language];
  return { ...renderLayout(write(vars), language), language };
}

export type { IsoDate, TemplateLanguage } from './language.js';
export { TEMPLATE_LANGUAGES, templateLanguage } from './language.js';
export type { KbcGroupBank } from './define.js';
export type { CaroFailureReason } from './caro-failure.js';
export type { InvitationReason } from './consent.js';
