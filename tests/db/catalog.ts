// A comparable description of a database schema: one line per table, column, enum, constraint
// and index, so two databases can be compared and their differences printed readably.
import type pg from 'pg';

const QUERIES: string[] = [
  `SELECT 'table ' || c.relname AS line
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm')`,
  `SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
          || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END
          || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
  `SELECT 'enum ' || t.typname || ' (' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) || ')' AS line
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = $1 GROUP BY t.typname`,
  `SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid) AS line
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1`,
  `SELECT 'index ' || pg_get_indexdef(i.indexrelid) AS line
     FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1`,
];

/** Sorted description lines of `schema`, leaving out Prisma's own _prisma_migrations table. */
export async function describeCatalog(client: pg.ClientBase, schema = 'public'): Promise<string[]> {
  const lines: string[] = [];
  for (const sql of QUERIES) {
    const { rows } = await client.query<{ line: string }>(sql, [schema]);
    lines.push(...rows.map((r) => r.line));
  }
  return lines.filter((l) => !l.includes('_prisma_migrations')).sort();
}

/** Human-readable difference, or '' when both describe the same schema. */
export function diffCatalogs(expected: string[], actual: string[], labels = ['expected', 'actual']): string {
  const a = new Set(expected);
  const b = new Set(actual);
  const missing = expected.filter((l) => !b.has(l)).map((l) => `  - ${l}`);
  const extra = actual.filter((l) => !a.has(l)).map((l) => `  + ${l}`);
  if (missing.length === 0 && extra.length === 0) return '';
  return [`only in ${labels[0]} (-) / only in ${labels[1]} (+):`, ...missing, ...extra].join('\n');
}
