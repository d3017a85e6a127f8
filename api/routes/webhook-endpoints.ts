import type { Prisma } from '../../lib/db/client.js';
import { newSigningSecret } from '../../lib/webhooks/secret.js';
import { wakeEndpointWorkflow } from '../../lib/webhooks/workflow.js';
import { DEFAULT_WEBHOOK_SECRET_OVERLAP } from '../../lib/webhooks/env.js';
import { parseDuration } from '../../lib/config/durations.js';
import { withTemporalDeadline } from '../deps.js';
import { ApiError, notFoundInBody } from '../errors.js';
import { page, pageArgs, pageSchema } from '../http/pagination.js';
import { ALL_ROLES, defineRoute, EDITORS } from '../http/route.js';
import { officesToMatch, targetOffice } from '../http/scope.js';
import { idParams } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import {
  createdWebhookEndpointSchema,
  createWebhookEndpointBody,
  deliverySchema,
  listDeliveriesQuery,
  listWebhookEndpointsQuery,
  redeliverBody,
  redeliveredSchema,
  rotatedSecretSchema,
  updateWebhookEndpointBody,
  webhookEndpointSchema,
} from '../schemas/webhook-endpoints.js';
import {
  checkTarget,
  endDelivery,
  endpointSecretBox,
  failedSince,
  findEndpoint,
  presentEndpoint,
  wakeDelivery,
} from '../services/webhook-endpoints.js';

const TAG = 'webhook-endpoints';
const DEFAULT_OVERLAP_MS = parseDuration(DEFAULT_WEBHOOK_SECRET_OVERLAP)!.ms;
const audited = (id: string, details?: Record<string, unknown>) => ({
  resourceType: 'webhook_endpoint',
  resourceId: id,
  ...(details ? { details } : {}),
});

export const webhookEndpointRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/webhook-endpoints',
    operationId: 'createWebhookEndpoint',
    summary: 'Register a webhook endpoint (its signing secret is in this answer only)',
    tag: TAG,
    roles: EDITORS,
    body: createWebhookEndpointBody,
    action: 'webhook_endpoint.create',
    responses: {
      201: { description: 'Registered; events from now on are delivered to it', schema: createdWebhookEndpointSchema },
      ...problemResponses(400, 401, 403, 404, 422),
    },
    async handler({ body, actor, deps }) {
      const officeId = targetOffice(actor, body.officeId);
      if (officeId === undefined) {
        if (actor.role === 'accountant') throw notFoundInBody('office', [{ path: 'officeId', message: 'not yours' }]);
        throw new ApiError(400, 'validation_failed', 'officeId: required', {
          errors: [{ in: 'body', path: 'officeId', message: 'required' }],
        });
      }
      if (!(await deps.prisma.office.findUnique({ where: { id: officeId }, select: { id: true } })))
        throw notFoundInBody('office', [{ path: 'officeId', message: 'no such office' }]);
      await checkTarget(deps, body.url);
      // Delivered from the feed's current end: the events from now on.
      const { _max } = await deps.prisma.event.aggregate({ _max: { seq: true } });
      const secret = newSigningSecret();
      const { officeId: _office, ...fields } = body;
      const endpoint = await deps.prisma.webhookEndpoint.create({
        data: { ...fields, officeId, secret: endpointSecretBox(deps).seal(secret), cursor: _max.seq ?? 0n },
      });
      await wakeDelivery(deps, endpoint.id);
      return {
        status: 201,
        body: { ...presentEndpoint(endpoint), secret },
        headers: { Location: `/v1/webhook-endpoints/${endpoint.id}` },
        audited: audited(endpoint.id, { officeId }),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhook-endpoints',
    operationId: 'listWebhookEndpoints',
    summary: 'List webhook endpoints (an accountant: their office’s)',
    tag: TAG,
    roles: ALL_ROLES,
    query: listWebhookEndpointsQuery,
    responses: {
      200: { description: 'A page of endpoints, never their secrets', schema: pageSchema(webhookEndpointSchema) },
      ...problemResponses(400, 401),
    },
    async handler({ query, actor, deps }) {
      const { after, ...args } = pageArgs(query);
      const rows = await deps.prisma.webhookEndpoint.findMany({
        ...args,
        where: { ...after, AND: officesToMatch(actor, query.officeId).map((officeId) => ({ officeId })) },
      });
      const { data, nextCursor } = page(rows, query.limit);
      return { status: 200, body: { data: data.map(presentEndpoint), nextCursor } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhook-endpoints/:id',
    operationId: 'getWebhookEndpoint',
    summary: 'Read a webhook endpoint (never its secret)',
    tag: TAG,
    roles: ALL_ROLES,
    params: idParams,
    responses: {
      200: { description: 'The endpoint', schema: webhookEndpointSchema },
      ...problemResponses(400, 401, 404),
    },
    async handler({ params, actor, deps }) {
      return { status: 200, body: presentEndpoint(await findEndpoint(deps, actor, params.id)) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/webhook-endpoints/:id',
    operationId: 'updateWebhookEndpoint',
    summary: 'Change a webhook endpoint: URL, event types, enabled (enabling resumes where it stopped), description',
    tag: TAG,
    roles: EDITORS,
    params: idParams,
    body: updateWebhookEndpointBody,
    action: 'webhook_endpoint.update',
    responses: {
      200: { description: 'Changed', schema: webhookEndpointSchema },
      ...problemResponses(400, 401, 403, 404, 422),
    },
    async handler({ params, body, actor, deps }) {
      const endpoint = await findEndpoint(deps, actor, params.id);
      if (body.url !== undefined) await checkTarget(deps, body.url);
      const data: Prisma.WebhookEndpointUpdateInput = { ...body };
      if (body.enabled === true) Object.assign(data, { disabledReason: null, disabledAt: null });
      const updated = await deps.prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data });
      await wakeDelivery(deps, endpoint.id);
      return {
        status: 200,
        body: presentEndpoint(updated),
        audited: audited(endpoint.id, { fields: Object.keys(body) }),
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/webhook-endpoints/:id',
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint and its delivery records',
    tag: TAG,
    roles: EDITORS,
    params: idParams,
    action: 'webhook_endpoint.delete',
    responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 403, 404) },
    async handler({ params, actor, deps }) {
      const endpoint = await findEndpoint(deps, actor, params.id);
      await deps.prisma.webhookEndpoint.delete({ where: { id: endpoint.id } });
      await endDelivery(deps, endpoint.id);
      return { status: 204, audited: audited(endpoint.id) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhook-endpoints/:id/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary: 'A new signing secret (in this answer only); the old one still signs during the overlap',
    tag: TAG,
    roles: EDITORS,
    params: idParams,
    action: 'webhook_endpoint.rotate_secret',
    responses: {
      200: {
        description: 'The new secret; both signatures are sent until previousSecretExpiresAt',
        schema: rotatedSecretSchema,
      },
      ...problemResponses(400, 401, 403, 404),
    },
    async handler({ params, actor, deps }) {
      const endpoint = await findEndpoint(deps, actor, params.id);
      const overlapMs = deps.webhookSecretOverlapMs ?? DEFAULT_OVERLAP_MS;
      const previousSecretExpiresAt = overlapMs > 0 ? new Date(Date.now() + overlapMs) : null;
      const secret = newSigningSecret();
      await deps.prisma.webhookEndpoint.update({
        where: { id: endpoint.id },
        data: {
          secret: endpointSecretBox(deps).seal(secret),
          previousSecret: previousSecretExpiresAt ? endpoint.secret : null,
          previousSecretExpiresAt,
        },
      });
      return {
        status: 200,
        body: { secret, previousSecretExpiresAt: previousSecretExpiresAt?.toISOString() ?? null },
        audited: audited(endpoint.id),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhook-endpoints/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'Every delivery attempt to a webhook endpoint, oldest first',
    tag: TAG,
    roles: ALL_ROLES,
    params: idParams,
    query: listDeliveriesQuery,
    responses: {
      200: { description: 'A page of attempts', schema: pageSchema(deliverySchema) },
      ...problemResponses(400, 401, 404),
    },
    async handler({ params, query, actor, deps }) {
      const endpoint = await findEndpoint(deps, actor, params.id);
      const { after, ...args } = pageArgs(query);
      const rows = await deps.prisma.webhookDelivery.findMany({
        ...args,
        where: {
          ...after,
          endpointId: endpoint.id,
          ...(query.eventId ? { eventId: query.eventId } : {}),
          ...(query.status ? { status: query.status } : {}),
        },
      });
      const { data, nextCursor } = page(rows, query.limit);
      const present = data.map(({ endpointId: _e, createdAt, status, ...d }) => ({
        ...d,
        status: status as (typeof deliverySchema.shape.status.options)[number],
        createdAt: createdAt.toISOString(),
      }));
      return { status: 200, body: { data: present, nextCursor } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhook-endpoints/:id/deliveries/redeliver',
    operationId: 'redeliverWebhooks',
    summary: 'Deliver again one event, or every event that failed since a date',
    tag: TAG,
    roles: EDITORS,
    params: idParams,
    body: redeliverBody,
    action: 'webhook_endpoint.redeliver',
    responses: {
      202: { description: 'Queued, before the endpoint’s next new events', schema: redeliveredSchema },
      ...problemResponses(400, 401, 403, 404, 409),
    },
    async handler({ params, body, actor, deps }) {
      const endpoint = await findEndpoint(deps, actor, params.id);
      if (!endpoint.enabled)
        throw new ApiError(409, 'webhook_endpoint_disabled', 'the endpoint is disabled: enable it first');
      let eventIds: string[];
      if (body.eventId !== undefined) {
        const event = await deps.prisma.event.findFirst({
          where: { id: body.eventId, officeId: endpoint.officeId },
          select: { id: true },
        });
        if (!event) throw notFoundInBody('event', [{ path: 'eventId', message: 'no such event of this office' }]);
        eventIds = [event.id];
      } else eventIds = await failedSince(deps, endpoint.id, new Date(body.failedSince!));
      if (eventIds.length > 0)
        await withTemporalDeadline(deps, () =>
          wakeEndpointWorkflow(
            { temporal: deps.temporal, taskQueue: deps.taskQueue, prisma: deps.prisma },
            endpoint.id,
            eventIds,
          ),
        );
      return { status: 202, body: { eventIds }, audited: audited(endpoint.id, { count: eventIds.length }) };
    },
  }),
];
