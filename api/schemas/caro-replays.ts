import { z } from 'zod';
import { CARO_PROBLEM_REASONS, CARO_STATUSES } from '../../workflows/caro-activation/contract.js';
import { pageQuery, pageSchema } from '../http/pagination.js';
import { replayFilterFields, withReplayFilter } from './caro.js';

/** The preview of a bulk replay: its filter (at least one criterion). */
export const createCaroReplayBody = withReplayFilter(z.object(replayFilterFields).strict());

export const CARO_REPLAY_OUTCOMES = ['pending', 'replayed', 'skipped', 'failed'] as const;

/** One page of a batch's cases, optionally of one outcome. */
export const caroReplayCasesQuery = z
  .object({ ...pageQuery, outcome: z.enum(CARO_REPLAY_OUTCOMES).optional() })
  .strict();
export const listCaroReplaysQuery = z.object(pageQuery).strict();

const nullableInstant = z.iso.datetime().nullable();

export const caroReplayBatchSchema = z.object({
  id: z.string(),
  /** previewed: nothing replayed yet (confirm with POST …/start); confirmed: its workflow is starting; running; done. */
  status: z.enum(['previewed', 'confirmed', 'running', 'done']),
  filter: z.object(replayFilterFields),
  workflowId: z.string(),
  chunkSize: z.number().int(),
  pauseMs: z.number().int(),
  /** The cases the preview froze. */
  total: z.number().int(),
  replayed: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  /** Not yet done: total - replayed - skipped - failed. */
  pending: z.number().int(),
  requestedBy: z.object({ keyId: z.string(), role: z.string() }),
  /** Every case is replayed in this person's name; null until confirmed. */
  confirmedBy: z.object({ keyId: z.string(), role: z.string(), name: z.string().nullable() }).nullable(),
  createdAt: z.iso.datetime(),
  confirmedAt: nullableInstant,
  startedAt: nullableInstant,
  finishedAt: nullableInstant,
});

export const caroReplayCaseSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  /** The order as it is now (null: no longer exists). */
  companyName: z.string().nullable(),
  clientReference: z.string().nullable(),
  orderStatus: z.enum(CARO_STATUSES).nullable(),
  /** The order's problem when the preview froze it. */
  problemReason: z.enum(CARO_PROBLEM_REASONS).nullable(),
  outcome: z.enum(CARO_REPLAY_OUTCOMES),
  /** Replayed: retry-update or reset. */
  mechanism: z.enum(['retry-update', 'reset']).nullable(),
  /** Skipped: why; failed: what went wrong. */
  detail: z.string().nullable(),
  doneAt: nullableInstant,
});

/** A batch with one page of its cases (keyset: `cases.nextCursor`). */
export const caroReplayDetailSchema = caroReplayBatchSchema.extend({ cases: pageSchema(caroReplayCaseSchema) });
export const caroReplayListSchema = pageSchema(caroReplayBatchSchema);
