import { problemSchema } from '../schemas/problem.js';
import { sessionSchema, signInBody } from '../schemas/session.js';
import { jsonSchema } from './json-schema.js';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: jsonSchema(problemSchema, 'output') } },
});
const session = (description: string) => ({
  description,
  content: { 'application/json': { schema: jsonSchema(sessionSchema, 'output') } },
});
const cookie = {
  'Set-Cookie': {
    description:
      '`bankfeed_session=<token>; HttpOnly; SameSite=Lax; Path=/; Max-Age=<SESSION_TTL_HOURS × 3600>` (+ `Secure`)',
    schema: { type: 'string' },
  },
};
const csrfHeader = {
  name: 'X-CSRF-Token',
  in: 'header',
  required: false,
  description: 'The session’s csrfToken: required with a live session cookie (403 csrf_token_invalid otherwise)',
  schema: { type: 'string' },
};
const common = { tags: ['session'], 'x-roles': ['anyone (e-mail and password)'] };

/** The console's sign-in (api/routes/session.ts): no API key; the session cookie once signed in. */
export const sessionPaths = () => ({
  '/v1/session': {
    post: {
      ...common,
      operationId: 'signIn',
      summary: 'Sign in with e-mail and password: sets the session cookie, answers the person and the CSRF token',
      security: [],
      parameters: [],
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(signInBody, 'input') } } },
      responses: {
        200: { ...session('Signed in'), headers: cookie },
        400: problem('Invalid request: `errors` lists the failing fields'),
        401: problem('Wrong e-mail or password, or a disabled account (invalid_credentials): the same answer for each'),
        403: problem('Posted from another origin (origin_not_allowed)'),
        413: problem('Body over 100 kB'),
        429: problem(
          'Too many failed sign-ins (too_many_attempts): 5 per account or 20 per address within 15 minutes; see Retry-After',
        ),
        503: problem('The database is not answering (database_unavailable): see Retry-After'),
      },
    },
    get: {
      ...common,
      operationId: 'getSession',
      summary: 'Who is signed in with this session cookie, and its CSRF token',
      security: [{ session: [] }],
      parameters: [],
      responses: {
        200: session('The live session'),
        401: problem('No live session (none, expired, signed out, or the account disabled)'),
        503: problem('The database is not answering (database_unavailable): see Retry-After'),
      },
    },
    delete: {
      ...common,
      operationId: 'signOut',
      summary: 'Sign out: ends the session and clears the cookie (204 also without a live session)',
      security: [{ session: [] }, {}],
      parameters: [csrfHeader],
      responses: {
        204: { description: 'Signed out; the cookie is cleared', headers: cookie },
        403: problem('A live session without its X-CSRF-Token (csrf_token_invalid)'),
        503: problem('The database is not answering (database_unavailable): see Retry-After'),
      },
    },
  },
});
