import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Role } from '../../lib/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { problemSchema } from '../schemas/problem.js';

/**
 * Who is calling: the key's id (never the key), its role, and for accountants their office. A person
 * signed in with a session acts through their principal key (its id here) and also carries their
 * account's id and name.
 */
export interface Actor {
  keyId: string;
  prefix: string;
  role: Role;
  officeId: string | null;
  userId?: string;
  name?: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON answer (a PDF): sent as is with its content type. */
  raw?: { contentType: string; data: Buffer };
  /** The resource a state-changing call acted on: recorded in the audit trail. */
  audited?: { resourceType: string; resourceId: string; details?: Record<string, unknown> };
}

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  deps: AppDeps;
  req: Request;
  res: Response;
}

type AnySchema = z.ZodType;
type Out<S> = S extends AnySchema ? z.output<S> : undefined;

export interface RouteDef<
  P extends AnySchema | undefined = AnySchema | undefined,
  Q extends AnySchema | undefined = AnySchema | undefined,
  B extends AnySchema | undefined = AnySchema | undefined,
> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express-style path: `/v1/clients/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Roles allowed to call it. Everything under /v1 is authenticated. */
  roles: readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<
    number,
    { description: string; schema?: AnySchema; /** A non-JSON body, e.g. application/pdf. */ mediaType?: string }
  >;
  /** Part of the development sandbox: mounted (and documented) only when AppDeps.sandbox is set. */
  sandbox?: boolean;
  /** The action name recorded in the audit trail for a successful state-changing call. */
  action?: string;
  handler(ctx: HandlerContext<Out<P>, Out<Q>, Out<B>>): Promise<Reply>;
}

const IDEMPOTENCY_REUSED = 'an Idempotency-Key already used with another request (idempotency_key_reused)';
const IDEMPOTENCY_IN_PROGRESS =
  'a request with the same Idempotency-Key is still running (idempotency_in_progress): retry after Retry-After';

/**
 * The answers the route layer (api/http/mount.ts) gives on its own, whatever the handler does:
 * 401 without a key or session, 403 for a role not allowed or a change by cookie without its CSRF token, 400 for failing parameters or body (card data
 * included) or a bad Idempotency-Key, 409 while a twin with the same Idempotency-Key runs, 422 for a
 * reused Idempotency-Key, 429 past the rate limit. Added to what each route declares, so the document
 * says every status the server gives.
 */
function routeLayerResponses(route: RouteDef<AnySchema | undefined, AnySchema | undefined, AnySchema | undefined>) {
  const problem = (description: string) => ({ description, schema: problemSchema });
  const declared = route.responses;
  const implied: RouteDef['responses'] = {
    401: problem('Missing, unknown or revoked API key, or no live session cookie'),
    429: problem('Rate limit reached: see Retry-After'),
  };
  const refusals = [
    ...(ALL_ROLES.some((role) => !route.roles.includes(role)) ? ['the caller’s role may not do this'] : []),
    // A change made with the session cookie (api/http/authenticate.ts).
    ...(route.method !== 'get' ? ['the session cookie came without its X-CSRF-Token (csrf_token_invalid)'] : []),
  ];
  if (refusals.length > 0) implied[403] = problem(`Refused: ${refusals.join('; or ')}`);
  if (route.params || route.query || route.body || route.method === 'post')
    implied[400] = problem('Invalid request: `errors` lists the failing fields');
  if (route.body) implied[413] = problem('Body over 100 kB');
  if (route.method === 'post') {
    const reused = declared[422];
    implied[422] = reused
      ? { ...reused, description: `${reused.description}; or ${IDEMPOTENCY_REUSED}` }
      : problem(`Refused: ${IDEMPOTENCY_REUSED}`);
    const conflict = declared[409];
    implied[409] = conflict
      ? { ...conflict, description: `${conflict.description}; or ${IDEMPOTENCY_IN_PROGRESS}` }
      : problem(`Conflict: ${IDEMPOTENCY_IN_PROGRESS}`);
  }
  const layered = route.method === 'post' ? { 409: implied[409]!, 422: implied[422]! } : {};
  return { ...implied, ...declared, ...layered };
}

/** Keeps the schemas' types flowing into the handler; adds the answers of the route layer to its responses. */
export function defineRoute<
  P extends AnySchema | undefined = undefined,
  Q extends AnySchema | undefined = undefined,
  B extends AnySchema | undefined = undefined,
>(route: RouteDef<P, Q, B>): RouteDef {
  return { ...route, responses: routeLayerResponses(route as unknown as RouteDef) } as unknown as RouteDef;
}

export const ALL_ROLES = ['accountant', 'operator', 'support'] as const satisfies readonly Role[];
/** Who may change data: support reads and replays, never edits. */
export const EDITORS = ['accountant', 'operator'] as const satisfies readonly Role[];
export const BACK_OFFICE = ['operator', 'support'] as const satisfies readonly Role[];
