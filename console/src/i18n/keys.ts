import type { en } from './en';

export type MessageKey = keyof typeof en;
/** Every language has every key of the English dictionary: a missing one fails the typecheck. */
export type Dictionary = Record<MessageKey, string>;
