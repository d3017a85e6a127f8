import { ZodError, type z } from 'zod';

export type Location = 'path' | 'query' | 'body';

/** A zod failure with where it happened (path parameters, query string or body). */
export class RequestValidationError extends Error {
  constructor(
    readonly location: Location,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(`invalid ${location}`);
    this.name = 'RequestValidationError';
  }
}

export function parseIn<S extends z.ZodType>(schema: S, value: unknown, location: Location): z.output<S> {
  try {
    return schema.parse(value);
  } catch (error) {
    if (error instanceof ZodError) throw new RequestValidationError(location, error.issues);
    throw error;
  }
}
