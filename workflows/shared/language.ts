/** Languages an office, a client or a cardholder can be addressed in (de is optional in the domain). */
export const LANGUAGES = ['fr', 'nl', 'en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Which language a text (an e-mail, the mandate document) is written in.
 *
 * Texts exist in fr, nl and en. Fallback, for any other requested language:
 * - `de` → `fr`: German-speaking Belgians live in the East Cantons, in Wallonia, where French is
 *   the language of the administration and the banks' second language; the journeys' source
 *   texts (CodaBox, KBC/CBC) exist in French and Dutch, not German.
 * - anything else (unknown, missing) → `en`.
 */
export const TEMPLATE_LANGUAGES = ['fr', 'nl', 'en'] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

const FALLBACK: Record<string, TemplateLanguage> = { de: 'fr' };

export function templateLanguage(requested: string | null | undefined): TemplateLanguage {
  const code = (requested ?? '').trim().toLowerCase().slice(0, 2);
  if ((TEMPLATE_LANGUAGES as readonly string[]).includes(code)) return code as TemplateLanguage;
  return FALLBACK[code] ?? 'en';
}
