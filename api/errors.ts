/** An error the API answers on purpose, with a stable code and the HTTP status it maps to. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, extra?: Record<string, unknown>) => new ApiError(409, 'conflict', message, extra);
