import { z } from 'zod';
import { emailEnvSchema } from '../../lib/email/env.js';
import { findOutboxMessage, listOutbox } from '../../lib/email/outbox.js';
import { notFound } from '../errors.js';
import { pageQuery, pageSchema } from '../http/pagination.js';
import { defineRoute } from '../http/route.js';
import { idParams, idSchema, languageSchema } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';

const statusSchema = z.enum(['queued', 'sent', 'rejected', 'failed']);
const caseTypeSchema = z.enum(['mandate', 'caro', 'connection']);

const outboxQuery = z
  .object({
    ...pageQuery,
    status: statusSchema.optional(),
    caseType: caseTypeSchema.optional(),
    caseId: idSchema.optional(),
  })
  .strict();

const messageSchema = z.object({
  id: z.string(),
  idempotencyKey: z.string(),
  template: z.string(),
  language: languageSchema,
  toAddress: z.string().nullable(),
  subject: z.string(),
  text: z.string(),
  status: statusSchema,
  providerMessageId: z.string().nullable(),
  error: z.string().nullable(),
  caseType: caseTypeSchema.nullable(),
  caseId: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
});

// Operators only: messages carry addresses and signed links.
export const outboxRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/outbox',
    operationId: 'listOutbox',
    summary: 'List e-mails the journeys sent (or, without Resend, would have sent), newest first',
    tag: 'outbox',
    roles: ['operator'],
    query: outboxQuery,
    responses: {
      200: { description: 'A page of messages, without their HTML part', schema: pageSchema(messageSchema) },
      ...problemResponses(400, 401, 403),
    },
    async handler({ query, deps }) {
      const { items, nextCursor } = await listOutbox(deps.prisma, query);
      return { status: 200, body: { data: items, nextCursor } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/outbox/:id',
    operationId: 'getOutboxMessage',
    summary: 'Read one e-mail with its HTML part and its sender (EMAIL_FROM)',
    tag: 'outbox',
    roles: ['operator'],
    params: idParams,
    responses: {
      200: {
        description: 'The message',
        schema: messageSchema.extend({
          html: z.string(),
          /** The sender the worker writes on every message (EMAIL_FROM, or its default). */
          from: z.string(),
        }),
      },
      ...problemResponses(400, 401, 403, 404),
    },
    async handler({ params, deps }) {
      const message = await findOutboxMessage(deps.prisma, params.id);
      if (!message) throw notFound('message');
      return {
        status: 200,
        body: { ...message, from: deps.emailFrom ?? emailEnvSchema.shape.EMAIL_FROM.parse(undefined) },
      };
    },
  }),
];
