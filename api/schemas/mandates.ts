import { z } from 'zod';
import {
  MANAGEMENT_MODES,
  MANDATE_ACTIONS,
  MANDATE_PARTIES,
  MANDATE_PATHS,
  MANDATE_PROBLEM_REASONS,
  MANDATE_STATES,
} from '../../workflows/mandate/rules.js';
import { pageQuery } from '../http/pagination.js';
import { caseFactsShape } from './case-views.js';
import { idSchema, startOutcomeSchema, startRefusalSchema, timestamps } from './common.js';

export const orderMandatesBody = z
  .object({
    /** One mandate per account; an account that already has one keeps it (same workflow). */
    bankAccountIds: z
      .array(idSchema)
      .min(1)
      .max(100)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an account')
      .meta({ uniqueItems: true }),
    /** `office`: the office presents it ('Dispo. en ligne'); `service`: the client is e-mailed ('Envoyé au client'). */
    managementMode: z.enum(MANAGEMENT_MODES),
  })
  .strict();

export const archiveMandateBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export const mandateProblemBody = z.object({ reason: z.enum(MANDATE_PROBLEM_REASONS) }).strict();

export const listMandatesQuery = z
  .object({
    officeId: idSchema.optional(),
    clientId: idSchema.optional(),
    status: z.enum(MANDATE_STATES).optional(),
    /** `bank_link_missing`: KBC/CBC accounts not linked in time (the office's detected issues). */
    issue: z.enum(['bank_link_missing']).optional(),
    ...pageQuery,
  })
  .strict();

export const mandateSchema = z.object({
  id: z.string(),
  bankAccountId: z.string(),
  clientId: z.string(),
  officeId: z.string(),
  iban: z.string(),
  bankName: z.string(),
  /** `esign` (other banks) or `bank_link` (KBC/CBC, linked in the bank app). */
  path: z.enum(MANDATE_PATHS),
  managementMode: z.enum(MANAGEMENT_MODES),
  status: z.enum(MANDATE_STATES),
  problemReason: z.enum(MANDATE_PROBLEM_REASONS).nullable(),
  archiveReason: z.string().nullable(),
  workflowId: z.string(),
  revision: z.number().int(),
  presentedAt: z.iso.datetime().nullable(),
  /** Until when the signing link of this presentation is valid; null before the first presentation. */
  linkExpiresAt: z.iso.datetime().nullable(),
  reminderCount: z.number().int(),
  lastReminderAt: z.iso.datetime().nullable(),
  stalledAt: z.iso.datetime().nullable(),
  /** When a KBC/CBC account not linked in time joined the detected issues; null otherwise. */
  linkIssueAt: z.iso.datetime().nullable(),
  signedAt: z.iso.datetime().nullable(),
  activatedAt: z.iso.datetime().nullable(),
  /** When the status last changed (workflow time); null until the workflow's first step. */
  stateChangedAt: z.iso.datetime().nullable(),
  /** What the office can do now. */
  actions: z.array(z.enum(MANDATE_ACTIONS)),
  ...timestamps,
});

/**
 * Per account: `created` (a new mandate, its workflow started), `existing` (the account already had
 * one: kept, same workflow), `pending_start` (recorded; Temporal did not answer in time, the
 * reconciler starts its workflow); an account whose start Temporal refused is in `refused`.
 */
export const orderMandatesResponse = z.object({
  data: z.array(z.object({ outcome: startOutcomeSchema, mandate: mandateSchema })),
  refused: z.array(z.object({ bankAccountId: z.string(), reason: startRefusalSchema })),
});

export const mandateDetailSchema = mandateSchema.extend({
  ...caseFactsShape,
  whoseMove: z.enum(MANDATE_PARTIES),
  /** Every reminder sent for this mandate: which presentation, number, date and address. */
  reminders: z.array(
    z.object({
      revision: z.number().int(),
      number: z.number().int(),
      sentAt: z.iso.datetime(),
      toAddress: z.string().nullable(),
    }),
  ),
  emailProblems: z.array(
    z.object({
      template: z.string(),
      problem: z.enum(['missing_recipient', 'rejected', 'failed']),
      reason: z.string(),
      at: z.iso.datetime(),
    }),
  ),
});

export const signingLinkSchema = z.object({ url: z.string(), revision: z.number().int(), expiresAt: z.iso.datetime() });
