import type { Translate } from '../i18n/index';
import { isMessageKey } from '../i18n/index';
import { ApiProblem } from './client';

/** What went wrong, in the user's words: the one place that maps the API's problem codes to text. */
export function problemWords(
  error: unknown,
  t: Translate,
  dateTime: (iso: string) => string,
): { message: string; fields: string[] } {
  if (!(error instanceof ApiProblem)) return { message: t('error.unknown', { status: '?' }), fields: [] };
  const key = `error.${error.code}`;
  const fields = (error.body.errors ?? []).map((e) => `${e.path}: ${e.message}`);
  if (error.code === 'too_many_attempts')
    return { message: t('error.too_many_attempts', { seconds: error.retryAfterSeconds ?? 60 }), fields };
  const nextAllowedAt = error.body.nextAllowedAt;
  if (error.code === 'reminder_too_soon' && typeof nextAllowedAt === 'string')
    return { message: t('error.reminder_too_soon', { time: dateTime(nextAllowedAt) }), fields };
  if (isMessageKey(key)) return { message: t(key), fields };
  if (error.status === 401) return { message: t('error.unauthenticated'), fields };
  // A code the console has no words for: the API's own sentence, which names what to do.
  return { message: error.body.detail ?? error.body.title ?? t('error.unknown', { status: error.status }), fields };
}
