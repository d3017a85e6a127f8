import { z } from 'zod';
import { pageQuery } from '../http/pagination.js';
import { languageSchema } from './common.js';

/** One state change of a case, as its workflow recorded it (case_transitions), oldest first. */
export const transitionSchema = z.object({
  /** The workflow's transition counter. */
  version: z.number().int(),
  at: z.iso.datetime(),
  from: z.string().nullable(),
  to: z.string(),
  /**
   * system, client, bank, webhook, aggregator, office, or the role of the API key that acted (with its id);
   * a person signed in to the console also with their account's `userId` and `name`.
   */
  actor: z.object({
    kind: z.string(),
    id: z.string().nullable(),
    userId: z.string().optional(),
    name: z.string().optional(),
  }),
  event: z.string().nullable(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
});

export const nextStepSchema = z
  .looseObject({ kind: z.string(), at: z.string(), number: z.number().int().optional() })
  .nullable();

/** What every case detail carries besides its row: read from the database only, never from the workflow. */
export const caseFactsShape = {
  /** Who can move the case on now (the journey's own table). */
  whoseMove: z.string(),
  /** When the current state began, and how long ago. */
  stateSince: z.iso.datetime(),
  timeInStateMs: z.number().int(),
  /** The next timed step (reminder, expiry, stalled notice, …) and its date, from the journey's plan function. */
  nextStep: nextStepSchema,
  /** True while the workflow's start is not confirmed: the reconciler starts it within minutes. */
  startPending: z.boolean(),
  history: z.array(transitionSchema),
};

/** The live view of a case's workflow (operator and support: a debug view, never on a detail's path). */
export const workflowViewSchema = z.object({
  workflowId: z.string(),
  /** RUNNING, COMPLETED, FAILED…, NOT_FOUND, or UNKNOWN when Temporal did not answer. */
  status: z.string(),
  /** The workflow's status query; null when it has ended, or when nobody answered (`available: false`). */
  state: z.unknown().nullable(),
  /** False when the live part is missing; `reason` says why (no worker answered within 2 s, Temporal down). */
  available: z.boolean(),
  reason: z.string().nullable(),
  /** The workflow's page in the Temporal Web UI (TEMPORAL_UI_URL); null when none is configured. */
  webUiUrl: z.string().nullable(),
});

const at = z.iso.datetime();
/** Who acted, when a person signed in to the console did: their account's id and name; null for a machine's key. */
const personShape = { userId: z.string().nullable(), name: z.string().nullable() };
export const timelineEntrySchema = z.discriminatedUnion('kind', [
  transitionSchema.extend({ kind: z.literal('state_change') }),
  z.object({
    kind: z.literal('email'),
    at,
    emailId: z.string(),
    template: z.string(),
    language: languageSchema,
    status: z.enum(['queued', 'sent', 'rejected', 'failed']),
    /** Why it did not go out (the provider's words, or no address on file); never the address. */
    reason: z.string().nullable(),
    sentAt: z.iso.datetime().nullable(),
  }),
  z.object({
    kind: z.literal('callback'),
    at,
    provider: z.string(),
    eventType: z.string().nullable(),
    eventId: z.string(),
    /** handled; ignored (stored, changed nothing: `reason` says why); pending (not finished handling). */
    outcome: z.enum(['handled', 'ignored', 'pending']),
    reason: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('action'),
    at,
    /** The API key (id, never the key) and its role; for a person signed in to the console, their account's id and name (null for a machine's key). */
    actor: z.object({ keyId: z.string().nullable(), role: z.string(), ...personShape }),
    action: z.string(),
    /** What the call recorded with its (successful) answer. */
    details: z.unknown().nullable(),
  }),
  z.object({
    kind: z.literal('note'),
    at,
    noteId: z.string(),
    author: z.object({ keyId: z.string(), role: z.string(), ...personShape }),
    text: z.string(),
  }),
  z.object({ kind: z.literal('next_step'), at: z.string(), step: nextStepSchema.unwrap() }),
]);

export const timelineQuery = z
  .object({
    /** Operator and support: add the workflow's live status (2 s deadline; `available: false` when missing). */
    workflow: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  })
  .strict();

export const timelineSchema = z.object({
  caseType: z.enum(['mandate', 'caro', 'connection']),
  caseId: z.string(),
  status: z.string(),
  /** Chronological: state changes, e-mails, provider callbacks, people's actions, notes; the next step last. */
  entries: z.array(timelineEntrySchema),
  /** Only with `?workflow=true`. */
  workflow: workflowViewSchema.optional(),
});

export const noteBody = z.object({ text: z.string().trim().min(1).max(2000) }).strict();
export const noteSchema = z.object({
  id: z.string(),
  caseType: z.enum(['mandate', 'caro', 'connection']),
  caseId: z.string(),
  authorKeyId: z.string(),
  authorRole: z.string(),
  /** The person who wrote it (signed in to the console); null when written with a machine's API key. */
  authorUserId: z.string().nullable(),
  authorName: z.string().nullable(),
  text: z.string(),
  at: z.iso.datetime(),
});
export const listNotesQuery = z.object({ ...pageQuery }).strict();
