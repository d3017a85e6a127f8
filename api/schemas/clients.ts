import { z } from 'zod';
import { isValidEnterpriseNumber, normalizeEnterpriseNumber } from '../../lib/banking/enterprise-number.js';
import { MANDATE_ACTIONS, PRESENTED_AGAIN_BY_CLIENT_EDIT } from '../../workflows/mandate/rules.js';
import { pageQuery } from '../http/pagination.js';
import { emailSchema, idSchema, languageSchema, targetOfficeSchema, timestamps } from './common.js';

/** `0123.456.749`, `BE0123456749` or `0123456749`; kept as the 10 digits. */
export const enterpriseNumberSchema = z
  .string()
  .max(20)
  .refine(isValidEnterpriseNumber, 'must be a Belgian enterprise number (10 digits, first 0 or 1, mod-97 check digits)')
  .transform((raw) => normalizeEnterpriseNumber(raw) ?? raw)
  .meta({ format: 'be-enterprise-number' });

const companyName = z.string().trim().min(1).max(200);
const clientCode = z.string().trim().min(1).max(50);

export const createClientBody = z
  .object({
    officeId: targetOfficeSchema,
    companyName,
    enterpriseNumber: enterpriseNumberSchema.optional(),
    clientCode,
    email: emailSchema.optional(),
    language: languageSchema,
  })
  .strict();

/** Every field is optional; `email: null` removes the address. */
export const updateClientBody = z
  .object({
    companyName: companyName.optional(),
    enterpriseNumber: enterpriseNumberSchema.optional(),
    clientCode: clientCode.optional(),
    email: emailSchema.nullable().optional(),
    language: languageSchema.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change')
  .meta({ minProperties: 1 });

const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const listClientsQuery = z
  .object({
    ...pageQuery,
    /** true: only clients without an e-mail address (no reminder can reach them); false: only those with one. */
    missingEmail: booleanFlag.optional(),
    officeId: idSchema.optional(),
    /** Part of the company name (any case), a client code, an enterprise number or an IBAN (any notation). */
    q: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const clientSchema = z.object({
  id: z.string(),
  officeId: z.string(),
  companyName: z.string(),
  enterpriseNumber: z.string().nullable(),
  clientCode: z.string(),
  email: z.string().nullable(),
  language: languageSchema,
  ...timestamps,
});

/** An unsigned mandate a client edit presents again, with what the office can do with it. */
const impactMandate = z.object({
  id: z.string(),
  bankAccountId: z.string(),
  iban: z.string(),
  /** The state before this edit presented it again. */
  status: z.enum(PRESENTED_AGAIN_BY_CLIENT_EDIT),
  /** What the office can do with it, as `GET /v1/mandates/{id}` shows them (KBC/CBC: no `sign`). */
  actions: z.array(z.enum(MANDATE_ACTIONS)),
});

/** Before an edit (GET /v1/clients/:id/edit-impact): what saving would present again. */
export const clientEditImpactSchema = z.object({ mandates: z.array(impactMandate) });

export const clientUpdateSchema = z.object({
  client: clientSchema,
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  impact: z.object({
    /** Unsigned mandates presented again with the new data (empty when nothing changed), with their actions. */
    mandates: z.array(
      impactMandate.extend({
        /** False when the workflow could not be reached: resend it (the edit itself is saved). */
        presentedAgain: z.boolean(),
      }),
    ),
  }),
});
