import { z } from 'zod';
import { JOURNEYS } from '../../lib/cases/journeys.js';
import { EVENT_SUBJECTS, EVENT_TYPES } from '../../lib/events/catalogue.js';
import { idSchema, queryInteger } from './common.js';

const typeList = z
  .string()
  .max(1000)
  .transform((s) => s.split(',').map((t) => t.trim()))
  .pipe(z.array(z.enum(EVENT_TYPES, { message: `each must be one of ${EVENT_TYPES.join(', ')}` })).min(1));

export const listEventsQuery = z
  .object({
    /** `nextCursor` of the previous page; from the oldest kept event when absent. */
    after: z
      .string()
      .regex(/^\d{1,18}$/, 'must be the nextCursor of a previous page')
      .optional(),
    /** Comma-separated event types, e.g. `mandate.active,caro.problem`. */
    types: typeList.optional(),
    /** The events of one case (or client). */
    caseId: idSchema.optional(),
    /** Back office: one office's events. */
    officeId: idSchema.optional(),
    limit: queryInteger(1, 500).default(100),
  })
  .strict();

export const eventSchema = z.object({
  id: z.string(),
  type: z.enum(EVENT_TYPES),
  occurredAt: z.iso.datetime(),
  officeId: z.string(),
  /** `mandate`, `caro` or `consent`; null for a client's event. */
  journey: z.enum(JOURNEYS).nullable(),
  subject: z.object({ type: z.enum(EVENT_SUBJECTS), id: z.string() }),
  /** The case's id (null for a client's event). */
  caseId: z.string().nullable(),
  clientId: z.string().nullable(),
  /** 1, 2, 3... per case (or client): the order of its events. */
  sequence: z.number().int(),
  /** The case's status once the change was made. */
  status: z.string().nullable(),
  /** The change's facts: states, reasons, dates, ids. Never an address, a link or card data. */
  data: z.record(z.string(), z.unknown()),
  /** Pass as `after` to read from just past this event. */
  cursor: z.string(),
});

export const eventPageSchema = z.object({
  data: z.array(eventSchema),
  /** Where to read on from: the last event's cursor, or the `after` given when nothing is new. */
  nextCursor: z.string().nullable(),
  /** More events are there already: read on at once. */
  hasMore: z.boolean(),
});
