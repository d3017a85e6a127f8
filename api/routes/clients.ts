import { Prisma, type Client } from '../../lib/db/client.js';
import { uuidv7 } from '../../lib/db/ids.js';
import { EVENT_TX, recordEvent } from '../../lib/events/record.js';
import { isIn, mandateActions, PRESENTED_AGAIN_BY_CLIENT_EDIT } from '../../workflows/mandate/rules.js';
import type { AppDeps } from '../deps.js';
import { ApiError, notFound, notFoundInBody } from '../errors.js';
import { page, pageArgs, pageSchema } from '../http/pagination.js';
import { ALL_ROLES, defineRoute, EDITORS, type Actor } from '../http/route.js';
import { targetOffice, tenantScope } from '../http/scope.js';
import {
  clientEditImpactSchema,
  clientSchema,
  clientUpdateSchema,
  createClientBody,
  listClientsQuery,
  updateClientBody,
} from '../schemas/clients.js';
import { idParams } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { searchKeys } from '../services/cases/search.js';
import { pathOf, presentAgain } from '../services/mandates.js';

type Editable = Partial<Pick<Client, 'companyName' | 'enterpriseNumber' | 'clientCode' | 'email' | 'language'>>;

const refused = (status: number, code: string, path: string, message: string) =>
  new ApiError(status, code, `${path}: ${message}`, { errors: [{ in: 'body', path, message }] });

export async function findClient(deps: AppDeps, actor: Actor, id: string): Promise<Client> {
  const client = await deps.prisma.client.findFirst({ where: { id, ...tenantScope(actor).client } });
  if (!client) throw notFound('client');
  return client;
}

/**
 * Runs a write that may break the office's unique client code or enterprise number, and turns
 * that into a 409 naming the field (the database decides, so two concurrent writes cannot both win).
 */
async function uniquePerOffice<T>(
  deps: AppDeps,
  officeId: string,
  fields: Editable,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') throw error;
    const { clientCode, enterpriseNumber } = fields;
    if (clientCode !== undefined && (await deps.prisma.client.count({ where: { officeId, clientCode } })) > 0) {
      throw refused(409, 'client_code_taken', 'clientCode', 'another client of this office has this code');
    }
    if (enterpriseNumber && (await deps.prisma.client.count({ where: { officeId, enterpriseNumber } })) > 0) {
      throw refused(
        409,
        'enterprise_number_taken',
        'enterpriseNumber',
        'another client of this office has this enterprise number',
      );
    }
    throw error;
  }
}

/** Seed 004: the enterprise number is filled in once; the company name waits for it. */
function checkEditRules(client: Client, body: Editable): void {
  if (
    body.enterpriseNumber !== undefined &&
    client.enterpriseNumber !== null &&
    body.enterpriseNumber !== client.enterpriseNumber
  ) {
    throw refused(409, 'enterprise_number_locked', 'enterpriseNumber', 'is set and can no longer change');
  }
  if (
    body.companyName !== undefined &&
    body.companyName !== client.companyName &&
    client.enterpriseNumber === null &&
    body.enterpriseNumber === undefined
  ) {
    throw refused(409, 'company_name_locked', 'companyName', 'is locked while the enterprise number is empty');
  }
}

const changedFields = (client: Client, body: Editable): Editable =>
  Object.fromEntries(
    Object.entries(body).filter(([field, value]) => value !== undefined && value !== client[field as keyof Editable]),
  );

/** The client's mandates that an edit presents again (docs/domain.md#client-edits), oldest first. */
const unsignedMandates = (deps: AppDeps, actor: Actor, clientId: string) =>
  deps.prisma.mandate.findMany({
    where: {
      AND: [
        tenantScope(actor).mandate,
        { status: { in: [...PRESENTED_AGAIN_BY_CLIENT_EDIT] }, bankAccount: { clientId } },
      ],
    },
    include: { bankAccount: { select: { iban: true, isKbcGroup: true } } },
    // The client page lists its accounts by id: the same order here (a bulk order's mandates can
    // share a millisecond, so their own ids do not follow the accounts).
    orderBy: [{ bankAccountId: 'asc' }, { id: 'asc' }],
  });
type UnsignedMandate = Awaited<ReturnType<typeof unsignedMandates>>[number];

const impactRow = (m: UnsignedMandate) =>
  isIn(PRESENTED_AGAIN_BY_CLIENT_EDIT, m.status)
    ? [
        {
          id: m.id,
          bankAccountId: m.bankAccountId,
          iban: m.bankAccount.iban,
          status: m.status,
          actions: mandateActions(m.status, pathOf(m)),
        },
      ]
    : [];

/**
 * Every unsigned mandate of the client's accounts is presented again with the new data (docs/domain.md#client-edits):
 * its workflow regenerates the document and link and restarts its reminders. The answer lists them
 * with the actions open to the office, the same as the mandate's own view shows.
 */
async function presentUnsignedMandates(deps: AppDeps, actor: Actor, clientId: string) {
  const mandates = await unsignedMandates(deps, actor, clientId);
  const delivered = await presentAgain(deps, actor, mandates);
  return mandates.flatMap((m) => impactRow(m).map((row) => ({ ...row, presentedAgain: delivered.get(m.id) ?? false })));
}

export const clientRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/clients',
    operationId: 'createClient',
    summary: 'Create a client of an office',
    tag: 'clients',
    roles: EDITORS,
    body: createClientBody,
    action: 'client.create',
    responses: {
      201: { description: 'Created', schema: clientSchema },
      ...problemResponses(400, 401, 403, 404, 409, 422),
    },
    async handler({ body, actor, deps }) {
      const officeId = targetOffice(actor, body.officeId);
      if (officeId === undefined) {
        if (actor.role === 'accountant') throw notFound('office');
        throw refused(400, 'validation_failed', 'officeId', 'required');
      }
      if (!(await deps.prisma.office.findUnique({ where: { id: officeId }, select: { id: true } }))) {
        throw notFoundInBody('office', [{ path: 'officeId', message: 'no such office' }]);
      }
      const { officeId: _office, ...fields } = body;
      const client = await uniquePerOffice(deps, officeId, fields, () =>
        deps.prisma.client.create({ data: { ...fields, officeId } }),
      );
      return {
        status: 201,
        body: client,
        headers: { Location: `/v1/clients/${client.id}` },
        audited: { resourceType: 'client', resourceId: client.id },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/clients',
    operationId: 'listClients',
    summary:
      'List clients, e.g. those without an e-mail address; `q` finds them by company name, client code, enterprise number or the IBAN of one of their accounts',
    tag: 'clients',
    roles: ALL_ROLES,
    query: listClientsQuery,
    responses: {
      200: { description: 'A page of clients', schema: pageSchema(clientSchema) },
      ...problemResponses(400, 401),
    },
    async handler({ query, actor, deps }) {
      const { after, ...args } = pageArgs(query);
      const filters: Prisma.ClientWhereInput[] = [after, tenantScope(actor).client];
      if (query.officeId) filters.push({ officeId: query.officeId });
      if (query.missingEmail !== undefined) filters.push({ email: query.missingEmail ? null : { not: null } });
      if (query.q) {
        // The same keys as the case search (GET /v1/cases): IBAN in any spacing, enterprise number in any notation.
        const keys = searchKeys(query.q);
        filters.push({
          OR: [
            { companyName: { contains: query.q, mode: 'insensitive' } },
            { clientCode: query.q },
            ...(keys.enterpriseNumber ? [{ enterpriseNumber: keys.enterpriseNumber }] : []),
            ...(keys.iban ? [{ bankAccounts: { some: { iban: keys.iban } } }] : []),
          ],
        });
      }
      const rows = await deps.prisma.client.findMany({ ...args, where: { AND: filters } });
      return { status: 200, body: page(rows, query.limit) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/clients/:id',
    operationId: 'getClient',
    summary: 'Read a client',
    tag: 'clients',
    roles: ALL_ROLES,
    params: idParams,
    responses: { 200: { description: 'The client', schema: clientSchema }, ...problemResponses(400, 401, 404) },
    async handler({ params, actor, deps }) {
      return { status: 200, body: await findClient(deps, actor, params.id) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/clients/:id',
    operationId: 'updateClient',
    summary: 'Edit a client; the answer lists the unsigned mandates to present again',
    tag: 'clients',
    roles: EDITORS,
    params: idParams,
    body: updateClientBody,
    action: 'client.update',
    responses: {
      200: { description: 'Saved, with warnings and the impact on mandates', schema: clientUpdateSchema },
      ...problemResponses(400, 401, 403, 404, 409),
    },
    async handler({ params, body, actor, deps }) {
      const client = await findClient(deps, actor, params.id);
      checkEditRules(client, body);
      const changes = changedFields(client, body);
      const changed = Object.keys(changes);
      if (changed.length === 0) return { status: 200, body: { client, warnings: [], impact: { mandates: [] } } };
      // Guarded: a concurrent PATCH that filled the enterprise number in first wins.
      const guard = changes.enterpriseNumber !== undefined ? { enterpriseNumber: null } : {};
      // The client.updated event commits with the edit: the fields that changed (names, not values) and the
      // unsigned mandates it presents again.
      const { count } = await uniquePerOffice(deps, client.officeId, changes, () =>
        deps.prisma.$transaction(async (tx) => {
          const written = await tx.client.updateMany({ where: { id: client.id, ...guard }, data: changes });
          if (written.count === 0) return written;
          const again = await tx.mandate.findMany({
            where: { status: { in: [...PRESENTED_AGAIN_BY_CLIENT_EDIT] }, bankAccount: { clientId: client.id } },
            select: { id: true },
            orderBy: { id: 'asc' },
          });
          await recordEvent(tx, {
            type: 'client.updated',
            subject: 'client',
            subjectId: client.id,
            data: { changed, mandatesPresentedAgain: again.map((m) => m.id) },
            occurredAt: new Date(),
            sourceKey: `client.updated:${uuidv7()}`,
          });
          return written;
        }, EVENT_TX),
      );
      if (count === 0)
        throw refused(409, 'enterprise_number_locked', 'enterpriseNumber', 'is set and can no longer change');
      const updated = await deps.prisma.client.findUniqueOrThrow({ where: { id: client.id } });
      const warnings =
        changes.clientCode === undefined
          ? []
          : [
              {
                code: 'client_code_changed',
                message: `future statements land in another delivery folder: ${client.clientCode} → ${updated.clientCode}`,
              },
            ];
      return {
        status: 200,
        body: {
          client: updated,
          warnings,
          impact: { mandates: await presentUnsignedMandates(deps, actor, client.id) },
        },
        audited: { resourceType: 'client', resourceId: client.id, details: { changed } },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/clients/:id/edit-impact',
    operationId: 'getClientEditImpact',
    summary: 'Before an edit: the unsigned mandates that saving any change to the client would present again',
    tag: 'clients',
    roles: EDITORS,
    params: idParams,
    responses: {
      200: {
        description: 'The mandates an edit would present again, with their actions',
        schema: clientEditImpactSchema,
      },
      ...problemResponses(400, 401, 403, 404),
    },
    async handler({ params, actor, deps }) {
      const client = await findClient(deps, actor, params.id);
      return { status: 200, body: { mandates: (await unsignedMandates(deps, actor, client.id)).flatMap(impactRow) } };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/clients/:id',
    operationId: 'deleteClient',
    summary: 'Delete a client that has no bank account, CARO order or connection',
    tag: 'clients',
    roles: EDITORS,
    params: idParams,
    action: 'client.delete',
    responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 403, 404, 409) },
    async handler({ params, actor, deps }) {
      const client = await findClient(deps, actor, params.id);
      // A client with records keeps them: its mandates and orders are archived or cancelled instead.
      const [bankAccounts, caroOrders, connections] = await Promise.all([
        deps.prisma.bankAccount.count({ where: { clientId: client.id } }),
        deps.prisma.caroOrder.count({ where: { clientId: client.id } }),
        deps.prisma.connection.count({ where: { clientId: client.id } }),
      ]);
      if (bankAccounts + caroOrders + connections > 0) {
        throw new ApiError(
          409,
          'client_in_use',
          `the client still has ${bankAccounts} bank account(s), ${caroOrders} CARO order(s) and ${connections} connection(s)`,
          { bankAccounts, caroOrders, connections },
        );
      }
      await deps.prisma.client.deleteMany({ where: { id: client.id } });
      return { status: 204, audited: { resourceType: 'client', resourceId: client.id } };
    },
  }),
];
