import { z } from 'zod';
import { jsonSchema } from './json-schema.js';
import { sessionPaths } from './session.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../http/idempotency.js';
import type { RouteDef } from '../http/route.js';
import { problemSchema } from '../schemas/problem.js';
import { providerEvents } from '../webhooks/handlers/index.js';
import { WEBHOOK_PROVIDERS, type Provider } from '../webhooks/providers.js';

const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: location,
    required: location === 'path' || !field.safeParse(undefined).success,
    ...(field.description ? { description: field.description } : {}),
    schema: jsonSchema(field, 'input'),
  }));
}

function operation(route: RouteDef) {
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    'x-roles': route.roles,
    security: [{ apiKey: [] }, { session: [] }],
    parameters: [
      ...parameters(route.params, 'path'),
      ...parameters(route.query, 'query'),
      ...(route.method === 'post'
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Replays the first answer for 24 h; reused with another body: 422',
              schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
            },
          ]
        : []),
    ],
    ...(route.body
      ? {
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, { description, schema, mediaType: raw }]) => {
        if (raw) return [status, { description, content: { [raw]: { schema: { type: 'string', format: 'binary' } } } }];
        const mediaType = Number(status) >= 400 ? 'application/problem+json' : 'application/json';
        return [
          status,
          { description, ...(schema ? { content: { [mediaType]: { schema: jsonSchema(schema, 'output') } } } : {}) },
        ];
      }),
    ),
  };
}

/** The signed webhooks: no API key, an HMAC signature header instead (README, Webhook signing). */
function webhookOperation(provider: Provider) {
  const receipt = {
    content: {
      'application/json': {
        schema: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] },
      },
    },
  };
  const problem = { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  return {
    operationId: `webhook_${provider}`,
    summary: `Event from the ${provider} provider`,
    tags: ['webhooks'],
    'x-roles': ['provider (HMAC-signed)'],
    security: [],
    parameters: [
      {
        name: 'Webhook-Signature',
        in: 'header',
        required: true,
        description: 't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>',
        schema: { type: 'string' },
      },
    ],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: jsonSchema(providerEvents[provider].schema, 'input') } },
    },
    responses: {
      200: { description: 'Already received (same event id): nothing done again', ...receipt },
      202: { description: 'Accepted', ...receipt },
      400: { description: 'Malformed body, failing fields, or card data', ...problem },
      413: { description: 'Body over 100 kB', ...problem },
      401: { description: 'Missing, wrong or expired signature', ...problem },
      422: { description: 'Unknown event type, or it names an unknown resource', ...problem },
      503: { description: 'Temporal is not answering: retry (nothing was recorded)', ...problem },
    },
  };
}

/** OpenAPI 3.1 of the API, generated from the same route definitions and zod schemas that serve it. */
export function buildOpenApi(routes: readonly RouteDef[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route);
  for (const provider of WEBHOOK_PROVIDERS) paths[`/v1/webhooks/${provider}`] = { post: webhookOperation(provider) };
  Object.assign(paths, sessionPaths());
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bank-feed onboarding API',
      version: '1',
      description:
        'Mandate signing, CARO activation and PSD2 consent renewal, as durable workflows. Errors are RFC 9457 problem details.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key `bfk_…` created with `npm run keys -- create`',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'bankfeed_session',
          description:
            'The console’s session cookie (POST /v1/session). With it, POST, PATCH and DELETE also need header X-CSRF-Token: the session’s csrfToken',
        },
      },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
    paths,
  };
}
