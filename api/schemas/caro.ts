import { z } from 'zod';
import { CARO_PROBLEM_REASONS, CARO_STATUSES } from '../../workflows/caro-activation/contract.js';
import { CARO_PARTIES, CARO_REPLAYABLE } from '../../workflows/caro-activation/plan.js';
import { caseFactsShape } from './case-views.js';
import { pageQuery } from '../http/pagination.js';
import {
  emailSchema,
  idSchema,
  instantSchema,
  languageSchema,
  startOutcomeSchema,
  startRefusalSchema,
  timestamps,
} from './common.js';

export const caroStatusSchema = z.enum(CARO_STATUSES);
export const caroReasonSchema = z.enum(CARO_PROBLEM_REASONS);

/** Printed on the card statement. Never a card number: every body is screened for those (api/http/validate.ts). */
const clientReference = z.string().trim().min(1).max(64);

const orderItem = z
  .object({
    clientId: idSchema,
    /** The client's account the card belongs to: its bank decides the activation path (KBC/CBC: in the bank app). */
    bankAccountId: idSchema,
    clientReference,
    cardholderEmail: emailSchema,
    cardholderLanguage: languageSchema,
  })
  .strict();

/** One order or many in one request. */
export const createCaroOrdersBody = z.object({ orders: z.array(orderItem).min(1).max(100) }).strict();

export const listCaroOrdersQuery = z
  .object({
    ...pageQuery,
    status: caroStatusSchema.optional(),
    reason: caroReasonSchema.optional(),
    clientId: idSchema.optional(),
    officeId: idSchema.optional(),
  })
  .strict();

export const preorderWarningQuery = z.object({ language: languageSchema.optional() }).strict();
export const preorderWarningSchema = z.object({
  language: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});

export const reactivateCaroBody = z
  .object({ cardholderEmail: emailSchema, cardholderLanguage: languageSchema.optional() })
  .strict();

/** Replay one case: `dryRun: true` only tells how it would be replayed. */
export const replayOneBody = z.object({ dryRun: z.boolean() }).strict();

/** Which failed activations a bulk replay takes (reason, status, since, officeId). */
export const replayFilterFields = {
  reason: caroReasonSchema.optional(),
  status: z.enum(CARO_REPLAYABLE).optional(),
  /** Failed (or changed) at or after this instant. */
  since: instantSchema.optional(),
  officeId: idSchema.optional(),
};
const FILTER_FIELDS = ['reason', 'status', 'since', 'officeId'] as const;

/** At least one criterion, so a replay of every case is never started by leaving them all out. */
export const withReplayFilter = <S extends z.ZodObject>(schema: S) =>
  schema
    .refine(
      (b: Record<string, unknown>) => FILTER_FIELDS.some((field) => b[field] !== undefined),
      'name at least one of reason, status, since, officeId',
    )
    .meta({ anyOf: FILTER_FIELDS.map((field) => ({ required: [field] })) });

/** Which cases a bulk replay in the request takes: at least one criterion. */
export const replayCaroBody = withReplayFilter(
  z
    .object({
      ...replayFilterFields,
      /** Required, so a replay of many cases is never started by leaving it out. */
      dryRun: z.boolean(),
    })
    .strict(),
);

export const guidanceSchema = z
  .object({ language: z.string(), title: z.string(), cause: z.string(), todo: z.array(z.string()) })
  .nullable();

export const caroOrderSchema = z.object({
  id: z.string(),
  clientId: z.string(),
  bankAccountId: z.string().nullable(),
  kbcGroup: z.boolean(),
  clientReference: z.string(),
  /** Null once purged: after the confirmation, on expiry or cancellation. */
  cardholderEmail: z.string().nullable(),
  cardholderLanguage: languageSchema,
  status: caroStatusSchema,
  problemReason: caroReasonSchema.nullable(),
  problemAt: z.iso.datetime().nullable(),
  statementsFrom: z.iso.datetime().nullable(),
  activatedAt: z.iso.datetime().nullable(),
  linkVersion: z.number(),
  linkExpiresAt: z.iso.datetime().nullable(),
  workflowId: z.string(),
  reminderCount: z.number(),
  lastReminderAt: z.iso.datetime().nullable(),
  /** When the status last changed (workflow time); null until the workflow's first step. */
  stateChangedAt: z.iso.datetime().nullable(),
  ...timestamps,
  /** For a problem: what the accountant is told, in the office's language. */
  guidance: guidanceSchema,
});

export const caroOrderDetailSchema = caroOrderSchema.extend({
  ...caseFactsShape,
  whoseMove: z.enum(CARO_PARTIES),
  /** Reminders really sent (all invitations), with their dates; the address is null once purged. */
  reminders: z.array(
    z.object({
      linkVersion: z.number(),
      number: z.number(),
      sentAt: z.iso.datetime(),
      toAddress: z.string().nullable(),
    }),
  ),
  /** E-mail the provider refused, with its reason. */
  emailProblems: z.array(z.object({ template: z.string(), reason: z.string().nullable(), at: z.iso.datetime() })),
});

/** A bulk order answers per item: each order kept, with how its start went, and each one refused. */
export const caroOrderListSchema = z.object({
  data: z.array(caroOrderSchema.extend({ outcome: startOutcomeSchema })),
  /** Orders whose workflow Temporal refused to start: removed again (no e-mail went out); `index` in `orders`. */
  refused: z.array(
    z.object({
      index: z.number().int(),
      clientId: z.string(),
      clientReference: z.string(),
      reason: startRefusalSchema,
    }),
  ),
});
export const activationLinkSchema = z.object({ url: z.string(), linkVersion: z.number(), expiresAt: z.iso.datetime() });

const replayItem = z.object({
  orderId: z.string(),
  mechanism: z.enum(['retry-update', 'reset']),
  status: z.string(),
  newRunId: z.string().optional(),
});
export const replayResultSchema = z.object({
  dryRun: z.boolean(),
  /** What was (or, in a dry run, would be) replayed, and how. */
  replayed: z.array(replayItem),
  skipped: z.array(z.object({ orderId: z.string(), why: z.string() })),
});
