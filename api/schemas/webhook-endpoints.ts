import { z } from 'zod';
import { EVENT_TYPES } from '../../lib/events/catalogue.js';
import { pageQuery } from '../http/pagination.js';
import { idSchema, instantSchema, targetOfficeSchema, timestamps } from './common.js';

const urlSchema = z
  .url({ protocol: /^https?$/, message: 'must be an http or https URL' })
  .max(2048)
  .describe('Where the events are POSTed; in production an https URL of a public address');
const eventTypesSchema = z
  .array(z.enum(EVENT_TYPES, { message: `each must be one of ${EVENT_TYPES.join(', ')}` }))
  .max(EVENT_TYPES.length)
  .describe('The event types to deliver; empty: all of them');
const descriptionSchema = z.string().trim().max(500);

export const createWebhookEndpointBody = z
  .object({
    officeId: targetOfficeSchema,
    url: urlSchema,
    eventTypes: eventTypesSchema.default([]),
    enabled: z.boolean().default(true),
    description: descriptionSchema.optional(),
  })
  .strict();

export const updateWebhookEndpointBody = z
  .object({
    url: urlSchema.optional(),
    eventTypes: eventTypesSchema.optional(),
    enabled: z.boolean().optional(),
    description: descriptionSchema.nullable().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of url, eventTypes, enabled, description');

export const listWebhookEndpointsQuery = z.object({ ...pageQuery, officeId: idSchema.optional() }).strict();

export const webhookEndpointSchema = z.object({
  id: z.string(),
  officeId: z.string(),
  url: z.string(),
  eventTypes: z.array(z.enum(EVENT_TYPES)),
  enabled: z.boolean(),
  description: z.string().nullable(),
  /** Why the service disabled it: `gone` (the receiver answered 410) or `failing` (every retry failed). */
  disabledReason: z.enum(['gone', 'failing']).nullable(),
  disabledAt: z.iso.datetime().nullable(),
  /** Until when the secret before the last rotation still signs (both signatures are sent). */
  previousSecretExpiresAt: z.iso.datetime().nullable(),
  ...timestamps,
});

const secretSchema = z.string().describe('The signing secret `whsec_…`: shown in this answer only');
export const createdWebhookEndpointSchema = webhookEndpointSchema.extend({ secret: secretSchema });
export const rotatedSecretSchema = z.object({
  secret: secretSchema,
  previousSecretExpiresAt: z.iso.datetime().nullable(),
});

export const DELIVERY_STATUSES = ['delivered', 'failed', 'refused'] as const;
export const listDeliveriesQuery = z
  .object({ ...pageQuery, eventId: z.string().max(100).optional(), status: z.enum(DELIVERY_STATUSES).optional() })
  .strict();
export const deliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  /** 1, 2, 3... for this endpoint and event, redeliveries included. */
  attempt: z.number().int(),
  /** delivered (2xx), failed (another answer or none), refused (the target's address is not allowed) */
  status: z.enum(DELIVERY_STATUSES),
  responseCode: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

export const redeliverBody = z
  .object({
    eventId: z.string().min(1).max(100).optional().describe('One event, delivered again'),
    failedSince: instantSchema
      .optional()
      .describe('Every event whose last attempt since this instant failed, delivered again'),
  })
  .strict()
  .refine((b) => (b.eventId === undefined) !== (b.failedSince === undefined), {
    message: 'give eventId or failedSince, one of them',
    path: ['eventId'],
  });
export const redeliveredSchema = z.object({ eventIds: z.array(z.string()) });

export const webhookTestSchema = z.object({
  eventId: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  responseCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
});
