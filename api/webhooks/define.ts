import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import type { AppDeps } from '../deps.js';
import { parseIn } from '../http/validate.js';
import { instantSchema } from '../schemas/common.js';

/** Every event, whatever its provider: `{ eventId, type, occurredAt, data }`. */
export const envelopeSchema = z.object({
  eventId: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  occurredAt: instantSchema,
  data: z.record(z.string(), z.unknown()),
});

/** One event type: its `type` literal and the shape of its `data`. */
export const eventSchema = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  envelopeSchema.extend({ type: z.literal(type), data: z.object(data) });

type EventSchema = ReturnType<typeof eventSchema<string, z.ZodRawShape>>;

/** What an event is about: recorded in the audit trail and on every log line. */
export interface Resource {
  type: 'connection' | 'mandate' | 'caro_order';
  id: string;
}

export interface WebhookContext {
  deps: AppDeps;
  /** Already carries provider, eventId, type and resource id. */
  log: Logger;
}

export interface Outcome {
  /** False when the event was stored and audited but could not act (e.g. its workflow has ended). */
  handled: boolean;
  /** Recorded in the audit trail; never the payload. */
  details?: Record<string, unknown>;
  /** Why it changed nothing (shown on the case's timeline), in words. */
  reason?: string;
}

/** An event that passed its provider's schema, ready to be stored and acted on. */
export interface ParsedEvent {
  eventId: string;
  type: string;
  resource: Resource;
  handle(ctx: WebhookContext): Promise<Outcome>;
}

export interface ProviderEvents {
  /** The event types this provider sends; any other is a 422. */
  types: readonly string[];
  /** The events as one zod schema, for the OpenAPI document. */
  schema: z.ZodType;
  /** Validates the whole event (400 with the failing fields). */
  parse(body: unknown): ParsedEvent;
}

export function defineProvider<const O extends readonly [EventSchema, ...EventSchema[]]>(def: {
  events: O;
  resource(event: z.output<O[number]>): Resource;
  handle(ctx: WebhookContext, event: z.output<O[number]>): Promise<Outcome>;
}): ProviderEvents {
  const schema = z.discriminatedUnion('type', def.events);
  return {
    types: def.events.map((e) => e.shape.type.value),
    schema,
    parse(body) {
      const event = parseIn(schema, body, 'body');
      return {
        eventId: event.eventId,
        type: event.type,
        resource: def.resource(event),
        handle: (ctx) => def.handle(ctx, event),
      };
    },
  };
}
