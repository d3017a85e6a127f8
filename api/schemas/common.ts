import { z } from 'zod';
import { isValidIban, normalizeIban } from '../../lib/banking/iban.js';
import { LANGUAGES } from '../../workflows/shared/language.js';

export const languageSchema = z.enum(LANGUAGES);
export const idSchema = z.uuid({ message: 'must be a UUID' });
/**
 * The office a create goes to (api/http/scope.ts, targetOffice): whether it is required depends on the caller's role.
 */
export const targetOfficeSchema = idSchema
  .optional()
  .describe('Required for operators and support (400 without it); an accountant may leave it out: their own office');
export const idParams = z.object({ id: idSchema }).strict();
/** An address a mail server accepts: at most 254 characters, of which at most 64 before the @ (RFC 5321). */
export const emailSchema = z
  .email({ message: 'must be an e-mail address' })
  .max(254)
  .refine((address) => address.lastIndexOf('@') <= 64, 'the part before the @ is at most 64 characters');
export const ibanSchema = z
  .string()
  .max(42)
  .transform(normalizeIban)
  .refine(isValidIban, 'must be a valid IBAN (check digits do not match)')
  // Documented as such: a schema cannot say mod-97; the contract check generates valid ones
  // (scripts/schemathesis_hooks.py).
  .meta({ format: 'iban' });
/** An absolute instant with an explicit offset, e.g. 2027-02-20T23:00:00Z. */
export const instantSchema = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' });

/** Dates leave the API as ISO strings. */
export const timestamps = { createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() };

/**
 * How the start of a case's workflow went: `created` (started now), `existing` (it already ran),
 * `pending_start` (Temporal did not answer in time: the case is recorded and its workflow is
 * started by the reconciler within a few minutes; retrying the request is not needed).
 */
export const startOutcomeSchema = z.enum(['created', 'existing', 'pending_start']);

/** Why Temporal refused to start a workflow: nothing of that item was kept. */
export const startRefusalSchema = z.object({
  code: z.enum([
    'namespace_not_found',
    'invalid_argument',
    'permission_denied',
    'failed_precondition',
    'not_implemented',
  ]),
  message: z.string(),
});

/**
 * An integer query parameter. `z.coerce.number()` alone reads an empty value (`?limit=`) as 0;
 * here it is refused like any other non-number, and the document still says integer.
 */
export const queryInteger = (min: number, max: number) =>
  z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number({ message: 'must be a whole number' }).int().min(min).max(max),
  );
