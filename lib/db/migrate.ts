// Applies prisma/migrations/*/migration.sql without Prisma's schema engine, recording them in
// `_prisma_migrations` exactly as `prisma migrate deploy` does, so either tool can take over.
// Differences: each migration runs in one transaction together with its row (a failure leaves
// nothing behind and is not recorded), and the advisory lock is waited for, not failed on.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// Prisma Migrate's own lock key: our runner and `prisma migrate deploy` exclude each other.
// On embedded PGlite every connection is the same session, but only one can connect at a time.
const LOCK_KEY = 72707369;
const LOCK_TIMEOUT_MS = 120_000;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type Log = (message: string) => void;
type Target = string | pg.ClientBase | pg.Pool;

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** prisma/migrations of this repository, found from this file (works from lib/ and dist/lib/). */
export function defaultMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('prisma/migrations not found; pass migrationsDir');
}

export async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: sha256(sql) };
    }),
  );
}

// Prisma accepts a script whose line endings were converted (git autocrlf) as unchanged.
function sameScript(recorded: string, m: Migration): boolean {
  return [m.checksum, sha256(m.sql.replace(/\r\n/g, '\n')), sha256(m.sql.replace(/\r?\n/g, '\r\n'))].includes(recorded);
}

async function withClient<T>(target: Target, fn: (c: pg.ClientBase) => Promise<T>): Promise<T> {
  if (typeof target === 'string') {
    const client = new pg.Client({ connectionString: target });
    client.on('error', () => {}); // a dropped connection also fails the pending query: reported there
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }
  if (target instanceof pg.Pool) {
    const client = await target.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }
  return fn(target);
}

async function lock(client: pg.ClientBase, log: Log): Promise<void> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  let told = false;
  for (;;) {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY]);
    if (rows[0]?.ok) return;
    if (Date.now() > deadline) throw new Error('migrations: another process holds the migration lock; gave up waiting');
    if (!told) log('migrations: waiting for another process to finish migrating');
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Applies the pending migrations of `migrationsDir` (default: the repository's
 * prisma/migrations) and returns their names. `target` is a connection string, a connected
 * pg Client, or a pg Pool (one connection is used throughout).
 * Against embedded PGlite, run it before any other client connects: one connection at a time.
 */
export async function applyMigrations(
  target: Target,
  migrationsDir = defaultMigrationsDir(),
  log: Log = () => {},
): Promise<string[]> {
  const migrations = await readMigrations(migrationsDir);
  return withClient(target, async (client) => {
    await lock(client, log);
    try {
      await client.query(CREATE_TABLE);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      const live = rows.filter((r) => r.rolled_back_at === null);
      const failed = live.filter((r) => r.finished_at === null);
      if (failed.length > 0) {
        throw new Error(
          `migrations: ${failed.map((r) => r.migration_name).join(', ')} failed earlier and must be resolved by hand ` +
            '(fix the database, then `prisma migrate resolve --rolled-back|--applied <name>`)',
        );
      }
      const applied = new Map(live.map((r) => [r.migration_name, r.checksum]));
      for (const m of migrations) {
        const recorded = applied.get(m.name);
        if (recorded !== undefined && !sameScript(recorded, m)) {
          throw new Error(
            `migrations: ${m.name}/migration.sql was modified after it was applied (checksum mismatch); add a new migration instead`,
          );
        }
      }
      const local = new Set(migrations.map((m) => m.name));
      for (const name of applied.keys()) {
        if (!local.has(name)) log(`migrations: ${name} is applied but missing from ${migrationsDir}`);
      }

      const done: string[] = [];
      for (const m of migrations.filter((x) => !applied.has(x.name))) {
        log(`migrations: applying ${m.name}`);
        await client.query('BEGIN');
        try {
          const started = await client.query<{ now: Date }>('SELECT clock_timestamp() AS now');
          await client.query(m.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
             VALUES ($1, $2, clock_timestamp(), $3, NULL, $4, 1)`,
            [randomUUID(), m.checksum, m.name, started.rows[0]?.now],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`migrations: ${m.name} failed and was rolled back: ${reason}`, { cause: error });
        }
        done.push(m.name);
      }
      if (done.length === 0) log('migrations: database is up to date');
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    }
  });
}

/** CLI: `tsx lib/db/migrate.ts [url]` (default DATABASE_URL). */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) {
    console.error('usage: migrate.ts <postgres-url>  (or set DATABASE_URL)');
    process.exit(2);
  }
  applyMigrations(url, undefined, (m) => console.log(m)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
