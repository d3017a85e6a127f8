import { z } from 'zod';
import { isValidIban, normalizeIban } from '../../lib/banking/iban.js';
import { LANGUAGES } from '../../workflows/shared/language.js';

export const languageSchema = z.enum(LANGUAGES);
export const idSchema = z.uuid({ message: 'must be a UUID' });
export const idParams = z.object({ id: idSchema }).strict();
export const emailSchema = z.email({ message: 'must be an e-mail address' }).max(254);
export const ibanSchema = z
  .string()
  .max(42)
  .transform(normalizeIban)
  .refine(isValidIban, 'must be a valid IBAN (check digits do not match)');
/** An absolute instant with an explicit offset, e.g. 2027-02-20T23:00:00Z. */
export const instantSchema = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' });

/** Dates leave the API as ISO strings. */
export const timestamps = { createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() };
