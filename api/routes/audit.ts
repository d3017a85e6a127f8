import { z } from 'zod';
import type { Prisma } from '../../lib/db/client.js';
import { page, pageArgs, pageQuery, pageSchema } from '../http/pagination.js';
import { BACK_OFFICE, defineRoute } from '../http/route.js';
import { idSchema, instantSchema } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { peopleByKey, personOf } from '../services/people.js';

/** One resource's trail, or across resources by actor, action and time range (operators and support). */
const auditQuery = z
  .object({
    ...pageQuery,
    resourceType: z.string().min(1).max(50).optional(),
    resourceId: z.string().min(1).max(100).optional(),
    /** The API key that acted (its id, as in `actorKeyId`). */
    actorKeyId: idSchema.optional(),
    /** The person who acted, signed in to the console (their account's id, as in `actorUserId`). */
    actorUserId: idSchema.optional(),
    /** e.g. `mandate.archive`, `caro.replay`, `case.note`. */
    action: z.string().min(1).max(100).optional(),
    /** At or after this instant. */
    from: instantSchema.optional(),
    /** Before this instant. */
    to: instantSchema.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    path: ['to'],
    message: 'must be after from',
  });

const auditEventSchema = z.object({
  id: z.string(),
  actorKeyId: z.string().nullable(),
  actorRole: z.string(),
  /** The person who acted, signed in to the console: their account's id and name; null for a machine's key. */
  actorUserId: z.string().nullable(),
  actorName: z.string().nullable(),
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
    summary: 'Read the audit trail: of one resource, or across resources by actor, action and time range',
    tag: 'audit',
    roles: BACK_OFFICE,
    query: auditQuery,
    responses: {
      200: { description: 'Who changed what, oldest first', schema: pageSchema(auditEventSchema) },
      ...problemResponses(400, 401, 403),
    },
    async handler({ query, deps }) {
      const { after, ...args } = pageArgs(query);
      // A person's actions are recorded under their principal key: an unknown account finds nothing.
      const person = query.actorUserId
        ? await deps.prisma.user.findUnique({ where: { id: query.actorUserId }, select: { apiKeyId: true } })
        : undefined;
      const where: Prisma.AuditEventWhereInput = {
        ...after,
        ...(query.resourceType ? { resourceType: query.resourceType } : {}),
        ...(query.resourceId ? { resourceId: query.resourceId } : {}),
        ...(query.actorKeyId ? { actorKeyId: query.actorKeyId } : {}),
        ...(person !== undefined ? { AND: [{ actorKeyId: person?.apiKeyId ?? 'none' }] } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.from || query.to
          ? {
              at: {
                ...(query.from ? { gte: new Date(query.from) } : {}),
                ...(query.to ? { lt: new Date(query.to) } : {}),
              },
            }
          : {}),
      };
      const rows = await deps.prisma.auditEvent.findMany({ ...args, where });
      const people = await peopleByKey(
        deps.prisma,
        rows.map((r) => r.actorKeyId),
      );
      const named = rows.map((r) => {
        const person = personOf(people, r.actorKeyId);
        return { ...r, actorUserId: person.userId, actorName: person.name };
      });
      return { status: 200, body: page(named, query.limit) };
    },
  }),
];
