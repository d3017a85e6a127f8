import { z } from 'zod';
import { queryInteger } from '../schemas/common.js';

/** Cursor pagination in id order (ids are UUIDv7: creation order, stable under inserts). */
export const pageQuery = {
  cursor: z.uuid({ message: 'must be the nextCursor of a previous page' }).optional(),
  limit: queryInteger(1, 200).default(50),
};

/** `take`/`orderBy` for Prisma, plus the `id > cursor` condition to merge into `where`. */
export const pageArgs = ({ cursor, limit }: { cursor?: string | undefined; limit: number }) => ({
  take: limit + 1,
  orderBy: { id: 'asc' as const },
  after: cursor ? { id: { gt: cursor } } : {},
});

export function page<T extends { id: string }>(rows: T[], limit: number): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? (data.at(-1)?.id ?? null) : null };
}

/**
 * The same page when PostgreSQL wrote each row as JSON (`json`, lib/db/sql-read.ts): the answer's
 * bytes, `{"data":[…],"nextCursor":…}` as JSON.stringify writes it, without parsing a row.
 */
export function jsonPage(rows: { id: string; json: string }[], limit: number): Buffer {
  const data = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? (data.at(-1)?.id ?? null) : null;
  return Buffer.from(`{"data":[${data.map((r) => r.json).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`);
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });
