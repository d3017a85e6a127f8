import type { Connection } from '../../lib/db/client.js';
import { uuidv7 } from '../../lib/db/ids.js';
import { CONNECTION_STATUSES, consentRenewalWorkflowId } from '../../workflows/consent-renewal/contract.js';
import type { AppDeps } from '../deps.js';
import { ApiError, notFound, notFoundInBody } from '../errors.js';
import { pageSchema } from '../http/pagination.js';
import { ALL_ROLES, defineRoute, EDITORS, type Actor } from '../http/route.js';
import { targetOffice, tenantScope } from '../http/scope.js';
import { idParams } from '../schemas/common.js';
import {
  connectionDetailSchema,
  connectionSchema,
  createConnectionBody,
  createdConnectionSchema,
  invitationResultSchema,
  listConnectionsQuery,
  remindResultSchema,
  renewConnectionBody,
} from '../schemas/connections.js';
import { problemResponses } from '../schemas/problem.js';
import { consentInput, inviteAgain, journalCreated, remindNow, renewConsent } from '../services/consent.js';
import { connectionHead, rowWithFacts } from '../services/cases/head.js';
import { connectionPage } from '../services/connection-list.js';
import { caseEmailProblems } from '../services/email-problems.js';
import { allRefused, connectionStart, isRefused, startCase, startDeps } from '../services/start-case.js';

/** A connection as the API shows it: the action its status asks for; the status version is the workflow's. The list writes the same in SQL (services/connection-list.ts). */
const withAction = ({ statusVersion: _version, ...connection }: Connection) => ({
  ...connection,
  action: CONNECTION_STATUSES[connection.status],
});

async function findScoped(deps: AppDeps, actor: Actor, id: string): Promise<Connection> {
  const connection = await deps.prisma.connection.findFirst({ where: { id, ...tenantScope(actor).connection } });
  if (!connection) throw notFound('connection');
  return connection;
}

/** What went out to the owner besides the expiry notices: reminders_sent rows of this connection. */
async function sentToOwner(deps: AppDeps, connectionId: string) {
  const rows = await deps.prisma.reminderSent.findMany({
    where: { caseType: 'connection', caseId: connectionId },
    orderBy: { sentAt: 'asc' },
  });
  const reminders = [];
  const invitations = [];
  for (const row of rows) {
    const [kind, forValidUntil = ''] = row.kind.split(/:(.*)/s);
    const sent = { sentAt: row.sentAt.toISOString(), toAddress: row.toAddress };
    if (kind === 'consent')
      reminders.push({ kind: 'scheduled' as const, daysBefore: row.sequence, forValidUntil, ...sent });
    else if (kind === 'consent-exact')
      // Given in a smaller unit than days: recorded by its seconds before the deadline.
      reminders.push({
        kind: 'scheduled' as const,
        daysBefore: Math.ceil(row.sequence / 86_400),
        forValidUntil,
        ...sent,
      });
    else if (kind === 'consent-manual')
      reminders.push({ kind: 'manual' as const, daysBefore: null, forValidUntil, ...sent });
    else if (kind === 'invitation') invitations.push({ number: row.sequence, ...sent });
  }
  return { reminders, invitations };
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
    responses: {
      202: {
        description: 'Registered; the workflow runs (`outcome` `pending_start`: it starts within minutes)',
        schema: createdConnectionSchema,
      },
      ...problemResponses(400, 401, 403, 404, 422, 503),
    },
    async handler({ body, actor, deps, req }) {
      const officeId = targetOffice(actor, body.officeId);
      if (officeId === undefined) {
        throw new ApiError(
          actor.role === 'accountant' ? 404 : 400,
          actor.role === 'accountant' ? 'not_found' : 'validation_failed',
          'officeId is required',
          { errors: [{ in: 'body', path: 'officeId', message: 'required' }] },
        );
      }
      const validUntil = new Date(body.validUntil);
      if (validUntil.getTime() <= Date.now()) {
        throw new ApiError(422, 'deadline_in_past', 'validUntil must be in the future', {
          errors: [{ in: 'body', path: 'validUntil', message: 'must be in the future' }],
        });
      }
      // The row is committed with its final workflow id and its pending start (one statement, which
      // also checks the office and the client), then the workflow starts. A start that timed out may
      // have happened: the row stays (`pending_start`) and the reconciler finishes it. Only a start
      // Temporal refused removes the row again (503).
      const id = uuidv7();
      const start = connectionStart(
        { id, workflowId: consentRenewalWorkflowId(id) },
        consentInput(deps, id, validUntil),
      );
      const clientId = body.clientId ?? null;
      const [connection] = await deps.prisma.$queryRaw<Connection[]>`
        WITH c AS (
          INSERT INTO connections (id, "officeId", "clientId", provider, "ownerEmail", "ownerLanguage", ibans,
                                   "validUntil", status, "workflowId", "updatedAt")
          SELECT ${id}, ${officeId}, ${clientId}, ${body.provider}, ${body.ownerEmail ?? null},
                 ${body.ownerLanguage}::"Language", ${body.ibans}::text[], ${validUntil}::timestamptz,
                 'connected'::"ConnectionStatus", ${start.workflowId}, now()
           WHERE EXISTS (SELECT 1 FROM offices WHERE id = ${officeId})
             AND (${clientId}::text IS NULL
                  OR EXISTS (SELECT 1 FROM clients WHERE id = ${clientId} AND "officeId" = ${officeId}))
          RETURNING *),
        p AS (
          INSERT INTO pending_starts ("workflowId", "caseType", "caseId", "workflowType", input)
          SELECT ${start.workflowId}, 'connection'::"CaseType", c.id, ${start.workflowType},
                 ${JSON.stringify(start.input)}::jsonb
            FROM c)
        SELECT * FROM c`;
      if (!connection) {
        if (!(await deps.prisma.office.findUnique({ where: { id: officeId }, select: { id: true } })))
          throw notFound('office');
        throw notFoundInBody('client', [{ path: 'clientId', message: 'no such client in this office' }]);
      }
      const started = await startCase(startDeps(deps), start);
      if (isRefused(started)) {
        await deps.prisma.$transaction([
          deps.prisma.pendingStart.deleteMany({ where: { workflowId: start.workflowId } }),
          deps.prisma.connection.deleteMany({ where: { id } }),
        ]);
        throw allRefused([{ path: '(root)', reason: started.reason }]);
      }
      req.log.info(
        { connectionId: connection.id, workflowId: connection.workflowId, outcome: started.outcome },
        'connection registered',
      );
      return {
        status: 202,
        body: { ...withAction(connection), outcome: started.outcome },
        headers: { Location: `/v1/connections/${connection.id}` },
        audited: { resourceType: 'connection', resourceId: connection.id },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/connections',
    operationId: 'listConnections',
    summary: 'List connections ("connected until"), by status, client or expiring within N days',
    tag: 'connections',
    roles: ALL_ROLES,
    query: listConnectionsQuery,
    responses: {
      200: { description: 'A page of connections', schema: pageSchema(connectionSchema) },
      ...problemResponses(400, 401),
    },
    async handler({ query, actor, deps }) {
      const data = await connectionPage(deps, actor, query);
      return { status: 200, raw: { contentType: 'application/json', data } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/connections/:id',
    operationId: 'getConnection',
    summary: 'Read a connection from the database: status, whose move, since when, next step, history, reminders',
    tag: 'connections',
    roles: ALL_ROLES,
    params: idParams,
    responses: {
      200: { description: 'The connection', schema: connectionDetailSchema },
      ...problemResponses(400, 401, 404),
    },
    async handler({ params, actor, deps }) {
      // E-mail problems and reminders beside the connection: shown only once it is found in scope.
      const [{ row: connection, facts }, emailProblems, sent] = await Promise.all([
        rowWithFacts(
          deps.prisma,
          () => findScoped(deps, actor, params.id),
          (c) => c.statusVersion,
          (c) => connectionHead(c, deps),
        ),
        caseEmailProblems(deps.prisma, 'connection', params.id),
        sentToOwner(deps, params.id),
      ]);
      return { status: 200, body: { ...withAction(connection), ...facts, emailProblems, ...sent } };
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
      req.log.info(
        { connectionId: connection.id, workflowId: connection.workflowId, outcome: outcome.kind },
        'consent renewal reported',
      );
      const reply = { body: withAction(outcome.connection), headers: { Location: `/v1/connections/${connection.id}` } };
      return outcome.kind === 'stale'
        ? { status: 200, ...reply }
        : {
            status: 202,
            ...reply,
            audited: {
              resourceType: 'connection',
              resourceId: connection.id,
              details: { validUntil: body.validUntil },
            },
          };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/connections/:id/remind',
    operationId: 'remindConnectionOwner',
    summary: 'Send the owner a consent reminder now',
    tag: 'connections',
    roles: EDITORS,
    params: idParams,
    action: 'connection.remind',
    responses: {
      200: { description: 'Sent; the next manual reminder is allowed from nextAllowedAt', schema: remindResultSchema },
      ...problemResponses(400, 401, 403, 404, 409),
    },
    async handler({ params, actor, deps, req }) {
      const connection = await findScoped(deps, actor, params.id);
      const sent = await remindNow(deps, connection);
      req.log.info({ connectionId: connection.id, daysBefore: sent.daysBefore }, 'manual consent reminder sent');
      return {
        status: 200,
        body: {
          connectionId: connection.id,
          sentAt: sent.at,
          daysBefore: sent.daysBefore,
          nextAllowedAt: sent.nextAllowedAt,
        },
        audited: {
          resourceType: 'connection',
          resourceId: connection.id,
          details: { validUntil: connection.validUntil.toISOString() },
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/connections/:id/invitation',
    operationId: 'inviteConnectionOwner',
    summary: 'Send the owner a new invitation (account not found, access lost)',
    tag: 'connections',
    roles: EDITORS,
    params: idParams,
    action: 'connection.invite',
    responses: {
      200: { description: 'A new invitation with a signed link went out', schema: invitationResultSchema },
      ...problemResponses(400, 401, 403, 404, 409, 429),
    },
    async handler({ params, actor, deps, req }) {
      const connection = await findScoped(deps, actor, params.id);
      const sent = await inviteAgain(deps, connection);
      req.log.info({ connectionId: connection.id, status: connection.status }, 'connection invitation sent');
      return {
        status: 200,
        body: { connectionId: connection.id, sentAt: sent.at, linkExpiresAt: sent.linkExpiresAt },
        audited: { resourceType: 'connection', resourceId: connection.id, details: { status: connection.status } },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/connections/:id/journal-created',
    operationId: 'reportJournalCreated',
    summary: 'Report the ledger journal created: the connection is reactivated',
    tag: 'connections',
    roles: EDITORS,
    params: idParams,
    action: 'connection.journal_created',
    responses: {
      200: { description: 'Reactivated: connected, or expires_soon near its deadline', schema: connectionSchema },
      ...problemResponses(400, 401, 403, 404, 409),
    },
    async handler({ params, actor, deps, req }) {
      const connection = await findScoped(deps, actor, params.id);
      const updated = await journalCreated(deps, connection);
      req.log.info({ connectionId: connection.id, status: updated.status }, 'journal created: connection reactivated');
      return {
        status: 200,
        body: withAction(updated),
        audited: { resourceType: 'connection', resourceId: connection.id, details: { status: updated.status } },
      };
    },
  }),
];
