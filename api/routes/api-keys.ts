import { z } from 'zod';
import { ROLES } from '../../lib/auth/api-keys.js';
import { createApiKey, KeyStoreError, listApiKeys, revokeApiKey } from '../../lib/auth/key-store.js';
import { apiKeyCache } from '../http/api-key-cache.js';
import { ApiError, notFound } from '../errors.js';
import { defineRoute } from '../http/route.js';
import { idParams, idSchema } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';

const createKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    officeId: idSchema.optional(),
  })
  .strict();

const keySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: z.enum(ROLES),
  officeId: z.string().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

export const apiKeyRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key (the key is in this answer only)',
    tag: 'api-keys',
    roles: ['operator'],
    body: createKeyBody,
    action: 'api_key.create',
    responses: {
      201: {
        description: 'Created',
        schema: z.object({
          id: z.string(),
          name: z.string(),
          prefix: z.string(),
          role: z.enum(ROLES),
          officeId: z.string().nullable(),
          key: z.string(),
        }),
      },
      ...problemResponses(400, 401, 403, 422),
    },
    async handler({ body, deps }) {
      try {
        const created = await createApiKey(deps.prisma, body);
        return {
          status: 201,
          body: created,
          audited: {
            resourceType: 'api_key',
            resourceId: created.id,
            details: { role: created.role, prefix: created.prefix },
          },
        };
      } catch (error) {
        if (error instanceof KeyStoreError)
          throw new ApiError(422, 'invalid_key_request', error.message, {
            errors: [{ in: 'body', path: 'officeId', message: error.message }],
          });
        throw error;
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/api-keys',
    operationId: 'listApiKeys',
    summary: 'List API keys (never the keys themselves)',
    tag: 'api-keys',
    roles: ['operator'],
    responses: {
      200: { description: 'Every key', schema: z.object({ data: z.array(keySchema) }) },
      ...problemResponses(401, 403),
    },
    async handler({ deps }) {
      return { status: 200, body: { data: await listApiKeys(deps.prisma) } };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/api-keys/:id',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    tag: 'api-keys',
    roles: ['operator'],
    params: idParams,
    action: 'api_key.revoke',
    responses: { 204: { description: 'Revoked' }, ...problemResponses(400, 401, 403, 404) },
    async handler({ params, deps }) {
      if (!(await revokeApiKey(deps.prisma, params.id))) throw notFound('live API key');
      apiKeyCache(deps).forget(params.id);
      return { status: 204, audited: { resourceType: 'api_key', resourceId: params.id } };
    },
  }),
];
