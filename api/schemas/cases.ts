import { z } from 'zod';
import { CARO_STATUSES } from '../../workflows/caro-activation/contract.js';
import { CONNECTION_STATUS_LIST } from '../../workflows/consent-renewal/rules.js';
import { MANDATE_STATES } from '../../workflows/mandate/rules.js';
import { ATTENTION_KINDS } from '../services/cases/attention.js';
import { JOURNEYS } from '../services/cases/search.js';
import { guidanceSchema } from './caro.js';
import { nextStepSchema } from './case-views.js';
import { idSchema } from './common.js';

export const CASE_STATUSES = [...new Set<string>([...MANDATE_STATES, ...CARO_STATUSES, ...CONNECTION_STATUS_LIST])] as [
  string,
  ...string[],
];

/** `{id}` (search order, newest first) or `{since, id}` (the work queue, oldest first), base64url JSON. */
const cursorSchema = z
  .string()
  .max(300)
  .transform((raw, ctx) => {
    try {
      const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
      const parsed = z.object({ id: idSchema, since: z.iso.datetime().optional() }).strict().parse(value);
      return parsed;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be the nextCursor of a previous page' });
      return z.NEVER;
    }
  });

export const encodeCursor = (cursor: { id: string; since?: string }) =>
  Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

export const listCasesQuery = z
  .object({
    /** Client name (partial; accents and case ignored), enterprise number, client code, IBAN, card client reference, case id or workflow id. */
    q: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((q) => !q.includes('\u0000'), 'must not contain a NUL character')
      .optional(),
    journey: z.enum(JOURNEYS).optional(),
    status: z.enum(CASE_STATUSES).optional(),
    officeId: idSchema.optional(),
    clientId: idSchema.optional(),
    /** `true`: every case needing attention (the work queue, oldest first); or one kind. */
    attention: z.enum(['true', ...ATTENTION_KINDS]).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: cursorSchema.optional(),
  })
  .strict();

export const attentionItemSchema = z.object({
  kind: z.enum(ATTENTION_KINDS),
  /** Since when it needs attention. */
  since: z.iso.datetime(),
  reason: z.string(),
  /** CARO problems: what the accountant is told, in the office's language. */
  guidance: guidanceSchema.unwrap().optional(),
});

export const caseResultSchema = z.object({
  journey: z.enum(JOURNEYS),
  caseId: z.string(),
  workflowId: z.string(),
  office: z.object({ id: z.string(), name: z.string() }),
  /** Null for a connection not tied to a client. */
  client: z.object({ id: z.string(), name: z.string() }).nullable(),
  status: z.string(),
  problemReason: z.string().nullable(),
  whoseMove: z.string(),
  stateSince: z.iso.datetime(),
  timeInStateMs: z.number().int(),
  nextStep: nextStepSchema,
  /** The journey's actions open in this state that the caller's role may take. */
  actions: z.array(z.string()),
  /** Why it needs attention, oldest first; empty when nothing does. */
  attention: z.array(attentionItemSchema),
});

export const caseListSchema = z.object({ data: z.array(caseResultSchema), nextCursor: z.string().nullable() });

export const casesSummaryQuery = z.object({ officeId: idSchema.optional() }).strict();

export const casesSummarySchema = z.object({
  /** Cases per journey and status, with the median time in that state. */
  states: z.array(
    z.object({
      journey: z.enum(JOURNEYS),
      status: z.string(),
      count: z.number().int(),
      medianTimeInStateMs: z.number().int(),
    }),
  ),
  /** Cases needing attention, per kind (every kind listed, zero included). */
  attention: z.array(z.object({ kind: z.enum(ATTENTION_KINDS), count: z.number().int() })),
  /** Cases needing attention of any kind. */
  attentionTotal: z.number().int(),
});
