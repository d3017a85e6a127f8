import { UserStoreError, createUser, listUsers, updateUser } from '../../lib/auth/user-store.js';
import { ApiError, notFound, notFoundInBody } from '../errors.js';
import { page, pageArgs, pageSchema } from '../http/pagination.js';
import { defineRoute } from '../http/route.js';
import { idParams } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { createUserBody, createdUserSchema, listUsersQuery, updateUserBody, userSchema } from '../schemas/users.js';

/** The store's refusals as the API answers them, naming the field. */
function answerRefusal(error: unknown): never {
  if (!(error instanceof UserStoreError)) throw error;
  const errors = [{ path: error.field, message: error.message }];
  if (error.kind === 'conflict')
    throw new ApiError(409, 'email_taken', error.message, { errors: errors.map((e) => ({ in: 'body', ...e })) });
  if (error.kind === 'not_found') {
    if (error.field === 'id') throw notFound('user');
    throw notFoundInBody('office', errors);
  }
  throw new ApiError(400, 'validation_failed', error.message, { errors: errors.map((e) => ({ in: 'body', ...e })) });
}

/** People's accounts for the console (operators only); machines keep API keys (/v1/api-keys). */
export const userRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/users',
    operationId: 'listUsers',
    summary: 'List the people who sign in to the console',
    tag: 'users',
    roles: ['operator'],
    query: listUsersQuery,
    responses: {
      200: { description: 'A page of accounts, in creation order', schema: pageSchema(userSchema) },
      ...problemResponses(400, 401, 403),
    },
    async handler({ query, deps }) {
      const { after, ...args } = pageArgs(query);
      return { status: 200, body: page(await listUsers(deps.prisma, { ...args, after }), query.limit) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/users',
    operationId: 'createUser',
    summary: 'Create an account (a generated password, when none is given, is in this answer only)',
    tag: 'users',
    roles: ['operator'],
    body: createUserBody,
    action: 'user.create',
    responses: {
      201: { description: 'Created', schema: createdUserSchema },
      ...problemResponses(400, 401, 403, 404),
      409: { ...problemResponses(409)[409]!, description: 'An account with this e-mail exists (email_taken)' },
    },
    async handler({ body, deps, req }) {
      const created = await createUser(deps.prisma, body).catch(answerRefusal);
      req.log.info({ userId: created.user.id, role: created.user.role }, 'account created');
      return {
        status: 201,
        body: { ...created.user, ...(created.generatedPassword ? { password: created.generatedPassword } : {}) },
        audited: { resourceType: 'user', resourceId: created.user.id, details: { role: created.user.role } },
      };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/users/:id',
    operationId: 'updateUser',
    summary: 'Change an account: name, role, office, language, password, disabled (the last two end its sessions)',
    tag: 'users',
    roles: ['operator'],
    params: idParams,
    body: updateUserBody,
    action: 'user.update',
    responses: {
      200: { description: 'The account as changed', schema: userSchema },
      ...problemResponses(400, 401, 403, 404, 409),
    },
    async handler({ params, body, actor, deps, req }) {
      if (body.disabled === true && params.id === actor.userId)
        throw new ApiError(409, 'cannot_disable_self', 'an operator cannot disable their own account', {
          errors: [{ in: 'body', path: 'disabled', message: 'this is your own account' }],
        });
      const user = await updateUser(deps.prisma, params.id, body).catch(answerRefusal);
      const changed = Object.keys(body).filter((field) => field !== 'password');
      req.log.info({ userId: user.id, changed, passwordChanged: body.password !== undefined }, 'account changed');
      return {
        status: 200,
        body: user,
        audited: {
          resourceType: 'user',
          resourceId: user.id,
          details: {
            changed,
            passwordChanged: body.password !== undefined,
            ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
          },
        },
      };
    },
  }),
];
