// Hot reads sent straight through the `pg` pool under Prisma (poolOf): the statement is written out
// as a Prisma.sql fragment, so it is the same SQL $queryRaw would send, without Prisma's query
// pipeline and result mapping (a quarter of the CPU of a list request). Columns come back as `pg`
// gives them: timestamptz as Date, json as parsed values, enums and text as strings, int4 as number.
import { poolOf, Prisma, type PrismaClient } from './client.js';

/** A timestamptz as JavaScript's toISOString() writes it (UTC, milliseconds, Z): for JSON built in SQL. */
const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const isoSql = (column: string) => Prisma.raw(isoText(column));

/** The rows of `sql`, as objects keyed by column name. */
export async function sqlRows<T>(prisma: PrismaClient, sql: Prisma.Sql): Promise<T[]> {
  const result = await poolOf(prisma).query({ text: sql.text, values: sql.values });
  return result.rows as T[];
}

/** How a column goes into JSON built by PostgreSQL: as is, or a timestamptz written as toISOString() does. */
export type JsonColumn = 'value' | 'time';

/**
 * The SELECT list of `alias`'s columns for row_to_json, in the given order (the answer's key order),
 * times written as toISOString() writes them: row_to_json of that sub-select is the row as
 * JSON.stringify would write the Prisma model's object (compact, same keys, same order).
 */
export function jsonColumnsSql(alias: string, columns: Record<string, JsonColumn>): Prisma.Sql {
  return Prisma.raw(
    Object.entries(columns)
      .map(([name, kind]) => (kind === 'time' ? `${isoText(`${alias}."${name}"`)} AS "${name}"` : `${alias}."${name}"`))
      .join(', '),
  );
}

/** The `json` column of each row: JSON text PostgreSQL wrote, to answer as is. */
export async function sqlJsonRows(prisma: PrismaClient, sql: Prisma.Sql): Promise<{ id: string; json: string }[]> {
  return sqlRows<{ id: string; json: string }>(prisma, sql);
}
