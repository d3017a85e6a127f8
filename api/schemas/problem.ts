import { z } from 'zod';

/** RFC 9457 problem details, as every error leaves the API. */
/** Extension members (RFC 9457 §3.2) are allowed: e.g. `nextAllowedAt`, or what keeps a client in use. */
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string(),
  errors: z.array(z.object({ in: z.string().optional(), path: z.string(), message: z.string() })).optional(),
});

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `errors` lists the failing fields',
  401: 'Missing, unknown or revoked API key, or no live session cookie',
  403: 'The caller’s role may not do this (or a session request without its X-CSRF-Token)',
  404: 'Not found (or not yours)',
  409: 'The current state does not allow it',
  422: 'Well-formed but refused (e.g. an Idempotency-Key reused with another body)',
  429: 'Rate limit reached: see Retry-After',
  503: 'Temporal or the database is not answering (temporal_unavailable, database_unavailable): see Retry-After',
};

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    [...statuses, 429, 503].map((status) => [
      status,
      { description: DESCRIPTIONS[status] ?? 'Error', schema: problemSchema },
    ]),
  );
