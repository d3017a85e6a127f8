import { z } from 'zod';
import { CONNECTION_PARTIES, CONNECTION_STATUS_LIST } from '../../workflows/consent-renewal/rules.js';
import { caseFactsShape } from './case-views.js';
import { pageQuery } from '../http/pagination.js';
import {
  emailSchema,
  ibanSchema,
  idSchema,
  instantSchema,
  languageSchema,
  startOutcomeSchema,
  targetOfficeSchema,
  timestamps,
  queryInteger,
} from './common.js';

export const connectionStatusSchema = z.enum(CONNECTION_STATUS_LIST);

export const createConnectionBody = z
  .object({
    officeId: targetOfficeSchema,
    clientId: idSchema.optional(),
    provider: z.string().trim().min(1).max(100),
    ownerEmail: emailSchema.optional(),
    ownerLanguage: languageSchema,
    ibans: z.array(ibanSchema).min(1).max(50),
    validUntil: instantSchema,
  })
  .strict();

export const renewConnectionBody = z.object({ validUntil: instantSchema }).strict();

export const listConnectionsQuery = z
  .object({
    ...pageQuery,
    status: connectionStatusSchema.optional(),
    officeId: idSchema.optional(),
    /** The connections of one client (its page names its consent cases by their IBANs). */
    clientId: idSchema.optional(),
    expiresWithinDays: queryInteger(0, 3650).optional(),
  })
  .strict();

export const connectionSchema = z.object({
  id: z.string(),
  officeId: z.string(),
  clientId: z.string().nullable(),
  provider: z.string(),
  bankName: z.string().nullable(),
  ownerEmail: z.string().nullable(),
  ownerLanguage: languageSchema,
  ibans: z.array(z.string()),
  validUntil: z.iso.datetime(),
  status: connectionStatusSchema,
  fetchFrom: z.iso.datetime().nullable(),
  usedByUser: z.string().nullable(),
  /** When `status` last changed (workflow time); null while it is the status the connection was created with. */
  statusChangedAt: z.iso.datetime().nullable(),
  workflowId: z.string(),
  ...timestamps,
  /** What the office should do about this status (docs/domain.md#journey-3-consent-renewal). */
  action: z.string(),
});

/** A registered connection, with how its workflow's start went (`pending_start`: the reconciler starts it). */
export const createdConnectionSchema = connectionSchema.extend({ outcome: startOutcomeSchema });

export const remindResultSchema = z.object({
  connectionId: z.string(),
  sentAt: z.iso.datetime(),
  /** The "expires in N days" the owner read. */
  daysBefore: z.number().int(),
  /** No other manual reminder before this instant (429 until then). */
  nextAllowedAt: z.iso.datetime(),
});

export const invitationResultSchema = z.object({
  connectionId: z.string(),
  sentAt: z.iso.datetime(),
  linkExpiresAt: z.iso.datetime(),
});

export const connectionDetailSchema = connectionSchema.extend({
  ...caseFactsShape,
  whoseMove: z.enum(CONNECTION_PARTIES),
  /** Reminders that went out, scheduled (15/3/1 days before) or asked for by the office, oldest first. */
  reminders: z.array(
    z.object({
      kind: z.enum(['scheduled', 'manual']),
      daysBefore: z.number().int().nullable(),
      forValidUntil: z.string(),
      sentAt: z.iso.datetime(),
      toAddress: z.string().nullable(),
    }),
  ),
  /** New invitations sent to repair the connection (account not found, access lost), oldest first. */
  invitations: z.array(
    z.object({ number: z.number().int(), sentAt: z.iso.datetime(), toAddress: z.string().nullable() }),
  ),
  /** E-mail that did not go out: rejected by the provider (with its reason), or no address on file. */
  emailProblems: z.array(
    z.object({
      template: z.string(),
      problem: z.enum(['rejected', 'missing_recipient']),
      reason: z.string().nullable(),
      at: z.iso.datetime(),
    }),
  ),
});
