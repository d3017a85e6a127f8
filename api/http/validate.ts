import { ZodError, type z } from 'zod';
import { findCardNumber } from '../../lib/card-data.js';
import { ApiError } from '../errors.js';

export type Location = 'path' | 'query' | 'body';

/** A zod failure with where it happened (path parameters, query string or body). */
export class RequestValidationError extends Error {
  constructor(
    readonly location: Location,
    readonly issues: { path: PropertyKey[]; message: string }[],
  ) {
    super(`invalid ${location}`);
    this.name = 'RequestValidationError';
  }
}

// NUL cannot be stored in PostgreSQL text; a lone surrogate is not Unicode at all.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isUnsafe = (s: string) => s.includes('\u0000') || LONE_SURROGATE.test(s);

/** The path of the first string (or key) that PostgreSQL or any client would choke on. */
function findUnsafeString(value: unknown, path: PropertyKey[] = []): PropertyKey[] | undefined {
  if (typeof value === 'string') return isUnsafe(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnsafeString(item, [...path, i]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (isUnsafe(key)) return [...path, key];
      const found = findUnsafeString(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

export function parseIn<S extends z.ZodType>(schema: S, value: unknown, location: Location): z.output<S> {
  const unsafe = findUnsafeString(value);
  if (unsafe)
    throw new RequestValidationError(location, [
      { path: unsafe, message: 'contains a NUL character or broken Unicode (lone surrogate)' },
    ]);
  try {
    return schema.parse(value);
  } catch (error) {
    if (error instanceof ZodError) throw new RequestValidationError(location, error.issues);
    throw error;
  }
}

/**
 * Refuses a parsed body that carries a card number in any string, key or integer (lib/card-data.ts),
 * with 400 `card_data_refused`: called before the body is validated, stored or logged. The answer
 * names where, never what.
 */
export function refuseCardData(value: unknown, location: Location): void {
  const path = findCardNumber(value);
  if (path === undefined) return;
  const message = 'looks like a card number: card data is never accepted';
  throw new ApiError(
    400,
    'card_data_refused',
    `the ${location} looks like it carries a card number: refused, nothing was stored`,
    { errors: [{ in: location, path: path.map(String).join('.') || '(root)', message }] },
  );
}
