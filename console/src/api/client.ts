import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** RFC 9457 problem details, as every error leaves the API (api/schemas/problem.ts). */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  errors?: { in?: string; path: string; message: string }[];
  [extra: string]: unknown;
}

/** An answer that was not a success: its status, the problem's code, and Retry-After when given. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: ProblemBody,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(body.detail ?? body.title ?? `HTTP ${status}`);
    this.name = 'ApiProblem';
  }
  get code(): string {
    return typeof this.body.code === 'string' ? this.body.code : 'unknown';
  }
}

let csrfToken: string | undefined;
/** The session's token (from POST/GET /v1/session), sent on every state-changing request. */
export const setCsrfToken = (token: string | undefined) => {
  csrfToken = token;
};

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken)
      request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/** The one client of the console: typed from the API's OpenAPI document, cookie session, same origin. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(csrf);

/** openapi-fetch's answer → its data, or an ApiProblem to throw (TanStack Query shows it in words). */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let answer: Awaited<typeof call>;
  try {
    answer = await call;
  } catch {
    throw new ApiProblem(0, { code: 'network' }, undefined);
  }
  const { data, error, response } = answer;
  if (response.ok) return data as T;
  const retryAfter = Number(response.headers.get('Retry-After'));
  const body: ProblemBody = typeof error === 'object' && error !== null ? (error as ProblemBody) : {};
  throw new ApiProblem(response.status, body, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}
