import { z } from 'zod';
import { page, pageArgs, pageSchema } from '../http/pagination.js';
import { BACK_OFFICE, defineRoute } from '../http/route.js';
import { pageQuery } from '../http/pagination.js';
import { problemResponses } from '../schemas/problem.js';

const auditQuery = z
  .object({
    ...pageQuery,
    resourceType: z.string().min(1).max(50),
    resourceId: z.string().min(1).max(100),
  })
  .strict();

const auditEventSchema = z.object({
  id: z.string(),
  actorKeyId: z.string().nullable(),
  actorRole: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  details: z.unknown().nullable(),
  at: z.iso.datetime(),
});

export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/audit',
    operationId: 'listAuditEvents',
    summary: 'Read the audit trail of one resource',
    tag: 'audit',
    roles: BACK_OFFICE,
    query: auditQuery,
    responses: {
      200: { description: 'Who changed what, oldest first', schema: pageSchema(auditEventSchema) },
      ...problemResponses(400, 401, 403),
    },
    async handler({ query, deps }) {
      const { after, ...args } = pageArgs(query);
      const rows = await deps.prisma.auditEvent.findMany({
        ...args,
        where: { ...after, resourceType: query.resourceType, resourceId: query.resourceId },
      });
      return { status: 200, body: page(rows, query.limit) };
    },
  }),
];
