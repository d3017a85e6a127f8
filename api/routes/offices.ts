import { page, pageArgs, pageSchema } from '../http/pagination.js';
import { ALL_ROLES, defineRoute } from '../http/route.js';
import { tenantScope } from '../http/scope.js';
import { notFound } from '../errors.js';
import { idParams } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { createOfficeBody, listOfficesQuery, officeSchema } from '../schemas/offices.js';

export const officeRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/offices',
    operationId: 'createOffice',
    summary: 'Create an office',
    tag: 'offices',
    roles: ['operator'],
    body: createOfficeBody,
    action: 'office.create',
    responses: { 201: { description: 'Created', schema: officeSchema }, ...problemResponses(400, 401, 403, 422) },
    async handler({ body, deps }) {
      const office = await deps.prisma.office.create({ data: body });
      return {
        status: 201,
        body: office,
        headers: { Location: `/v1/offices/${office.id}` },
        audited: { resourceType: 'office', resourceId: office.id },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/offices',
    operationId: 'listOffices',
    summary: 'List offices',
    tag: 'offices',
    roles: ALL_ROLES,
    query: listOfficesQuery,
    responses: {
      200: { description: 'A page of offices', schema: pageSchema(officeSchema) },
      ...problemResponses(400, 401),
    },
    async handler({ query, actor, deps }) {
      const { after, ...args } = pageArgs(query);
      const rows = await deps.prisma.office.findMany({ ...args, where: { ...after, ...tenantScope(actor).office } });
      return { status: 200, body: page(rows, query.limit) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/offices/:id',
    operationId: 'getOffice',
    summary: 'Read an office',
    tag: 'offices',
    roles: ALL_ROLES,
    params: idParams,
    responses: { 200: { description: 'The office', schema: officeSchema }, ...problemResponses(400, 401, 404) },
    async handler({ params, actor, deps }) {
      const office = await deps.prisma.office.findFirst({
        where: { AND: [{ id: params.id }, tenantScope(actor).office] },
      });
      if (!office) throw notFound('office');
      return { status: 200, body: office };
    },
  }),
];
