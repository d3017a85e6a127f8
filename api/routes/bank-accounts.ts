import { bankForIban } from '../../lib/banking/belgian-banks.js';
import { Prisma } from '../../lib/db/client.js';
import { ApiError, notFound } from '../errors.js';
import { page, pageArgs, pageSchema } from '../http/pagination.js';
import { ALL_ROLES, defineRoute, EDITORS } from '../http/route.js';
import { tenantScope } from '../http/scope.js';
import {
  bankAccountSchema,
  clientParams,
  createBankAccountBody,
  listBankAccountsQuery,
} from '../schemas/bank-accounts.js';
import { idParams } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { findClient } from './clients.js';

const duplicateIban = () =>
  new ApiError(409, 'iban_already_registered', 'this client already has an account with this IBAN', {
    errors: [{ in: 'body', path: 'iban', message: 'already registered for this client' }],
  });

export const bankAccountRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/clients/:clientId/bank-accounts',
    operationId: 'createBankAccount',
    summary: 'Add a bank account to a client (the bank is derived from the IBAN)',
    tag: 'bank-accounts',
    roles: EDITORS,
    params: clientParams,
    body: createBankAccountBody,
    action: 'bank_account.create',
    responses: {
      201: { description: 'Created', schema: bankAccountSchema },
      ...problemResponses(400, 401, 403, 404, 409),
    },
    async handler({ params, body, actor, deps }) {
      const client = await findClient(deps, actor, params.clientId);
      const { bankCode, bankName, isKbcGroup } = bankForIban(body.iban);
      try {
        const account = await deps.prisma.bankAccount.create({
          data: { clientId: client.id, iban: body.iban, bankCode, bankName, isKbcGroup },
        });
        return {
          status: 201,
          body: account,
          headers: { Location: `/v1/bank-accounts/${account.id}` },
          audited: { resourceType: 'bank_account', resourceId: account.id, details: { clientId: client.id } },
        };
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw duplicateIban();
        throw error;
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/clients/:clientId/bank-accounts',
    operationId: 'listBankAccounts',
    summary: 'List the bank accounts of a client',
    tag: 'bank-accounts',
    roles: ALL_ROLES,
    params: clientParams,
    query: listBankAccountsQuery,
    responses: {
      200: { description: 'A page of bank accounts', schema: pageSchema(bankAccountSchema) },
      ...problemResponses(400, 401, 404),
    },
    async handler({ params, query, actor, deps }) {
      const client = await findClient(deps, actor, params.clientId);
      const { after, ...args } = pageArgs(query);
      const rows = await deps.prisma.bankAccount.findMany({ ...args, where: { ...after, clientId: client.id } });
      return { status: 200, body: page(rows, query.limit) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/bank-accounts/:id',
    operationId: 'getBankAccount',
    summary: 'Read a bank account',
    tag: 'bank-accounts',
    roles: ALL_ROLES,
    params: idParams,
    responses: {
      200: { description: 'The bank account', schema: bankAccountSchema },
      ...problemResponses(400, 401, 404),
    },
    async handler({ params, actor, deps }) {
      const account = await deps.prisma.bankAccount.findFirst({
        where: { id: params.id, ...tenantScope(actor).bankAccount },
      });
      if (!account) throw notFound('bank account');
      return { status: 200, body: account };
    },
  }),
];
