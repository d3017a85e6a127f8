/** Languages an office, a client or a cardholder can be addressed in (de is optional in the domain). */
export const LANGUAGES = ['fr', 'nl', 'en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
