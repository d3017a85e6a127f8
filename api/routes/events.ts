import type { Prisma } from '../../lib/db/client.js';
import { presentEvent } from '../../lib/events/present.js';
import { DEFAULT_EVENTS_RETENTION_DAYS, retainedSince } from '../../lib/events/retention.js';
import { ALL_ROLES, defineRoute } from '../http/route.js';
import { officesToMatch } from '../http/scope.js';
import { eventPageSchema, listEventsQuery } from '../schemas/events.js';
import { problemResponses } from '../schemas/problem.js';

export const eventRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/events',
    operationId: 'listEvents',
    summary: 'Read what happened to cases, in order, from a cursor (an accountant: their office only)',
    tag: 'events',
    roles: ALL_ROLES,
    query: listEventsQuery,
    responses: {
      200: { description: 'Events after the cursor, oldest first', schema: eventPageSchema },
      ...problemResponses(400, 401),
    },
    async handler({ query, actor, deps }) {
      const where: Prisma.EventWhereInput = {
        createdAt: { gte: retainedSince(deps.eventsRetentionDays ?? DEFAULT_EVENTS_RETENTION_DAYS) },
        ...(query.after ? { seq: { gt: BigInt(query.after) } } : {}),
        AND: officesToMatch(actor, query.officeId).map((officeId) => ({ officeId })),
        ...(query.types ? { type: { in: query.types } } : {}),
        ...(query.caseId ? { subjectId: query.caseId } : {}),
      };
      const rows = await deps.prisma.event.findMany({ where, orderBy: { seq: 'asc' }, take: query.limit + 1 });
      const data = rows.slice(0, query.limit).map(presentEvent);
      return {
        status: 200,
        body: { data, nextCursor: data.at(-1)?.cursor ?? query.after ?? null, hasMore: rows.length > query.limit },
      };
    },
  }),
];
