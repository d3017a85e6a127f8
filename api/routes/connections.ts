import { WorkflowNotFoundError } from '@temporalio/client';
import type { Connection, Prisma } from '../../lib/db/client.js';
import {
  CONNECTION_STATUSES,
  consentRenewalWorkflowId,
  consentStateQuery,
  type ConsentRenewalState,
} from '../../workflows/consent-renewal/contract.js';
import type { consentRenewalWorkflow } from '../../workflows/consent-renewal/workflow.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { page, pageArgs, pageSchema } from '../http/pagination.js';
import { ALL_ROLES, defineRoute, EDITORS, type Actor } from '../http/route.js';
import { officeScope, targetOffice } from '../http/scope.js';
import { idParams } from '../schemas/common.js';
import { connectionDetailSchema, connectionSchema, createConnectionBody, listConnectionsQuery, renewConnectionBody } from '../schemas/connections.js';
import { problemResponses } from '../schemas/problem.js';
import { consentInput, renewConsent } from '../services/consent.js';
import { caseEmailProblems } from '../services/email-problems.js';

const withAction = (connection: Connection) => ({ ...connection, action: CONNECTION_STATUSES[connection.status] });

async function findScoped(deps: AppDeps, actor: Actor, id: string): Promise<Connection> {
  const connection = await deps.prisma.connection.findFirst({ where: { id, ...officeScope(actor) } });
  if (!connection) throw notFound('connection');
  return connection;
}

/** Workflow status and live state; a missing worker gives `state: null`, not a hang. */
async function workflowView(deps: AppDeps, req: { log: { warn: (o: object, m: string) => void } }, workflowId: string) {
  const handle = deps.temporal.workflow.getHandle(workflowId);
  const description = await withTemporalDeadline(deps, async () => {
    try {
      return await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  });
  let state: ConsentRenewalState | null = null;
  if (description?.status.name === 'RUNNING') {
    try {
      state = await deps.temporal.withDeadline(Date.now() + Math.min(deps.temporalTimeoutMs, 2_000), () => handle.query(consentStateQuery));
    } catch (error) {
      req.log.warn({ workflowId, err: { message: (error as Error).message } }, 'status query not answered');
    }
  }
  return { workflowId, status: description?.status.name ?? 'NOT_FOUND', state };
}

export const connectionRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/connections',
    operationId: 'createConnection',
    summary: 'Register a connection and start its consent workflow',
    tag: 'connections',
    roles: EDITORS,
    body: createConnectionBody,
    action: 'connection.create',
    responses: { 202: { description: 'Registered; the workflow runs', schema: connectionSchema }, ...problemResponses(400, 401, 403, 404, 422) },
    async handler({ body, actor, deps, req }) {
      const officeId = targetOffice(actor, body.officeId);
      if (officeId === undefined) {
        throw new ApiError(actor.role === 'accountant' ? 404 : 400, actor.role === 'accountant' ? 'not_found' : 'validation_failed', 'officeId is required', { errors: [{ in: 'body', path: 'officeId', message: 'required' }] });
      }
      const office = await deps.prisma.office.findUnique({ where: { id: officeId }, select: { id: true } });
      if (!office) throw notFound('office');
      if (body.clientId) {
        const client = await deps.prisma.client.findFirst({ where: { id: body.clientId, officeId }, select: { id: true } });
        if (!client) throw new ApiError(422, 'unknown_client', 'clientId does not name a client of this office', { errors: [{ in: 'body', path: 'clientId', message: 'no such client in this office' }] });
      }
      const validUntil = new Date(body.validUntil);
      if (validUntil.getTime() <= Date.now()) {
        throw new ApiError(422, 'deadline_in_past', 'validUntil must be in the future', { errors: [{ in: 'body', path: 'validUntil', message: 'must be in the future' }] });
      }
      // The row and the workflow start together: if Temporal refuses, the row is rolled back.
      const connection = await deps.prisma.$transaction(async (tx) => {
        const row = await tx.connection.create({
          data: { officeId, clientId: body.clientId ?? null, provider: body.provider, ownerEmail: body.ownerEmail ?? null, ownerLanguage: body.ownerLanguage, ibans: body.ibans, validUntil, status: 'connected', workflowId: '' },
        });
        const workflowId = consentRenewalWorkflowId(row.id);
        await withTemporalDeadline(deps, () =>
          deps.temporal.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
            workflowId,
            taskQueue: deps.taskQueue,
            args: [consentInput(deps, row.id, validUntil)],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        );
        return tx.connection.update({ where: { id: row.id }, data: { workflowId } });
      });
      req.log.info({ connectionId: connection.id, workflowId: connection.workflowId }, 'connection registered');
      return { status: 202, body: withAction(connection), headers: { Location: `/v1/connections/${connection.id}` }, audited: { resourceType: 'connection', resourceId: connection.id } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/connections',
    operationId: 'listConnections',
    summary: 'List connections ("connected until"), by status or expiring within N days',
    tag: 'connections',
    roles: ALL_ROLES,
    query: listConnectionsQuery,
    responses: { 200: { description: 'A page of connections', schema: pageSchema(connectionSchema) }, ...problemResponses(400, 401) },
    async handler({ query, actor, deps }) {
      const { after, ...args } = pageArgs(query);
      // Every filter narrows (AND), as for clients: an accountant naming another office gets nothing.
      const filters: Prisma.ConnectionWhereInput[] = [after, officeScope(actor)];
      if (query.officeId) filters.push({ officeId: query.officeId });
      if (query.status) filters.push({ status: query.status });
      if (query.expiresWithinDays !== undefined) filters.push({ validUntil: { lte: new Date(Date.now() + query.expiresWithinDays * 86_400_000) } });
      const rows = await deps.prisma.connection.findMany({ ...args, where: { AND: filters } });
      const result = page(rows, query.limit);
      return { status: 200, body: { ...result, data: result.data.map(withAction) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/connections/:id',
    operationId: 'getConnection',
    summary: 'Read a connection with its workflow state and next step',
    tag: 'connections',
    roles: ALL_ROLES,
    params: idParams,
    responses: { 200: { description: 'The connection', schema: connectionDetailSchema }, ...problemResponses(400, 401, 404) },
    async handler({ params, actor, deps, req }) {
      const connection = await findScoped(deps, actor, params.id);
      const [workflow, emailProblems] = await Promise.all([workflowView(deps, req, connection.workflowId), caseEmailProblems(deps.prisma, 'connection', connection.id)]);
      return { status: 200, body: { ...withAction(connection), workflow, emailProblems } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/connections/:id/renewal',
    operationId: 'renewConnection',
    summary: 'Enter a renewed consent deadline',
    tag: 'connections',
    roles: ['operator'],
    params: idParams,
    body: renewConnectionBody,
    action: 'connection.renew',
    responses: {
      200: { description: 'An older deadline than the current one: nothing changed', schema: connectionSchema },
      202: { description: 'Renewed: reminders are planned anew', schema: connectionSchema },
      ...problemResponses(400, 401, 403, 404),
    },
    async handler({ params, body, actor, deps, req }) {
      const connection = await findScoped(deps, actor, params.id);
      const outcome = await renewConsent(deps, connection, new Date(body.validUntil));
      req.log.info({ connectionId: connection.id, workflowId: connection.workflowId, outcome: outcome.kind }, 'consent renewal reported');
      const reply = { body: withAction(outcome.connection), headers: { Location: `/v1/connections/${connection.id}` } };
      return outcome.kind === 'stale'
        ? { status: 200, ...reply }
        : { status: 202, ...reply, audited: { resourceType: 'connection', resourceId: connection.id, details: { validUntil: body.validUntil } } };
    },
  }),
];
