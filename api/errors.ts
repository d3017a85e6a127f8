/** An error the API answers on purpose, with a stable code and the HTTP status it maps to. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
/**
 * An id in the body that names nothing the caller may see (another office's, or none at all): the
 * same 404 `not_found` as that id in a path, with `errors` saying which field.
 */
export const notFoundInBody = (what: string, errors: { path: string; message: string }[]) =>
  new ApiError(404, 'not_found', `${what} not found`, { errors: errors.map((e) => ({ in: 'body', ...e })) });
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(
    429,
    'rate_limited',
    `too many requests for this API key; retry in ${retryAfterSeconds} s`,
    {},
    { 'Retry-After': String(retryAfterSeconds) },
  );
