// lib/db/migrate.ts against embedded PGlite, and against a real PostgreSQL server when
// TEST_POSTGRES_URL is set (a superuser URL: each run creates and drops its own database).
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThrowawayDatabase } from '../../lib/db/throwaway-database.js';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { applyMigrations, defaultMigrationsDir, sha256 } from '../../lib/db/migrate.js';
import { prismaMigrateDeploy } from '../../scripts/db/schema-engine.js';

interface Database {
  url: string;
  stop(): Promise<void>;
}
interface Backend {
  name: string;
  create(): Promise<Database>;
}

const schemaFile = new URL('../../prisma/schema.prisma', import.meta.url);
const TABLES = [
  'api_keys',
  'audit_events',
  'bank_accounts',
  'caro_orders',
  'caro_replay_batches',
  'caro_replay_cases',
  'case_notes',
  'case_transitions',
  'clients',
  'connections',
  'email_outbox',
  'events',
  'idempotency_records',
  'mandates',
  'offices',
  'pending_starts',
  'rate_limits',
  'reminders_sent',
  'sessions',
  'users',
  'webhook_deliveries',
  'webhook_endpoints',
  'webhook_events',
  '_prisma_migrations',
];

const pglite: Backend = { name: 'embedded PGlite', create: () => startEmbeddedPostgres() };

function postgres(adminUrl: string): Backend {
  return {
    name: 'PostgreSQL server (TEST_POSTGRES_URL)',
    async create() {
      const db = await createThrowawayDatabase(adminUrl, 'migrate_test');
      return { url: db.url, stop: db.drop };
    },
  };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A copy of prisma/migrations to tamper with. */
async function copyOfMigrations(dirs: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
  dirs.push(dir);
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}

/** `_prisma_migrations` as Prisma Migrate creates and fills it, for the migrations `names`. */
async function expectPrismaHistory(url: string, names: string[]): Promise<void> {
  const columns = await query(
    url,
    `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
       FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
  );
  expect(columns).toEqual([
    { column_name: 'id', data_type: 'character varying', len: 36, is_nullable: 'NO', column_default: null },
    { column_name: 'checksum', data_type: 'character varying', len: 64, is_nullable: 'NO', column_default: null },
    {
      column_name: 'finished_at',
      data_type: 'timestamp with time zone',
      len: null,
      is_nullable: 'YES',
      column_default: null,
    },
    {
      column_name: 'migration_name',
      data_type: 'character varying',
      len: 255,
      is_nullable: 'NO',
      column_default: null,
    },
    { column_name: 'logs', data_type: 'text', len: null, is_nullable: 'YES', column_default: null },
    {
      column_name: 'rolled_back_at',
      data_type: 'timestamp with time zone',
      len: null,
      is_nullable: 'YES',
      column_default: null,
    },
    {
      column_name: 'started_at',
      data_type: 'timestamp with time zone',
      len: null,
      is_nullable: 'NO',
      column_default: 'now()',
    },
    { column_name: 'applied_steps_count', data_type: 'integer', len: null, is_nullable: 'NO', column_default: '0' },
  ]);
  const rows = await query<{
    id: string;
    checksum: string;
    migration_name: string;
    started_at: Date;
    finished_at: Date | null;
    logs: string | null;
    rolled_back_at: Date | null;
    applied_steps_count: number;
  }>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
  expect(rows.map((r) => r.migration_name)).toEqual(names);
  for (const row of rows) {
    const sql = await readFile(join(defaultMigrationsDir(), row.migration_name, 'migration.sql'), 'utf8');
    expect(row).toMatchObject({ checksum: sha256(sql), logs: null, rolled_back_at: null, applied_steps_count: 1 });
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
  }
}

function migrationSuite(backend: Backend): void {
  describe(`migrations on ${backend.name}`, () => {
    let db: Database;
    const tmp: string[] = [];
    let names: string[];

    beforeAll(async () => {
      db = await backend.create();
      const entries = await readdir(defaultMigrationsDir(), { withFileTypes: true });
      names = entries
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    });
    afterAll(async () => {
      await db?.stop();
      for (const dir of tmp) await rm(dir, { recursive: true, force: true });
    });

    it('applies every migration to an empty database', async () => {
      const started = Date.now();
      expect(await applyMigrations(db.url)).toEqual(names);
      console.log(`${backend.name}: ${names.length} migration(s) applied in ${Date.now() - started} ms`);
      const tables = await query<{ table_name: string }>(
        db.url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.map((t) => t.table_name).sort()).toEqual([...TABLES].sort());
    });

    it('records them in _prisma_migrations as Prisma Migrate does', async () => {
      await expectPrismaHistory(db.url, names);
    });

    it("leaves nothing for Prisma's own migrate deploy (schema engine) to apply", async () => {
      expect(await prismaMigrateDeploy(db.url, defaultMigrationsDir(), await readFile(schemaFile, 'utf8'))).toEqual([]);
    });

    it("takes over a database that Prisma's own migrate deploy migrated", async () => {
      const fresh = await backend.create();
      try {
        expect(
          await prismaMigrateDeploy(fresh.url, defaultMigrationsDir(), await readFile(schemaFile, 'utf8')),
        ).toEqual(names);
        await expectPrismaHistory(fresh.url, names); // our expectations hold for Prisma's own rows
        expect(await applyMigrations(fresh.url)).toEqual([]);
      } finally {
        await fresh.stop();
      }
    });

    it('applies nothing the second time, whether given a URL, a Client or a Pool', async () => {
      expect(await applyMigrations(db.url)).toEqual([]);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      expect(await applyMigrations(client)).toEqual([]);
      await client.end();
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      expect(await applyMigrations(pool)).toEqual([]);
      await pool.end();
    });

    it('refuses a migration edited after it was applied (line endings aside)', async () => {
      const dir = await copyOfMigrations(tmp);
      const file = join(dir, names[0]!, 'migration.sql');
      const original = await readFile(file, 'utf8');
      await writeFile(file, original.replace(/\n/g, '\r\n'));
      expect(await applyMigrations(db.url, dir)).toEqual([]);
      await writeFile(file, `${original}\n-- edited\n`);
      await expect(applyMigrations(db.url, dir)).rejects.toThrow(
        `${names[0]}/migration.sql was modified after it was applied`,
      );
    });

    it('refuses to go on while a failed migration is recorded', async () => {
      await query(
        db.url,
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('failed-1', 'x', '20000101000000_broken')`,
      );
      try {
        await expect(applyMigrations(db.url)).rejects.toThrow('20000101000000_broken failed earlier');
      } finally {
        await query(db.url, `DELETE FROM "_prisma_migrations" WHERE id = 'failed-1'`);
      }
    });

    it('applies a new migration, and rolls a failing one back whole without recording it', async () => {
      const dir = await copyOfMigrations(tmp);
      await cp(join(dir, names[0]!), join(dir, '29990101000000_extra'), { recursive: true });
      await writeFile(join(dir, '29990101000000_extra', 'migration.sql'), 'CREATE TABLE "zz_extra" ("id" INTEGER);\n');
      await cp(join(dir, names[0]!), join(dir, '29990102000000_bad'), { recursive: true });
      await writeFile(
        join(dir, '29990102000000_bad', 'migration.sql'),
        'CREATE TABLE "zz_bad" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n',
      );

      await expect(applyMigrations(db.url, dir)).rejects.toThrow(
        /29990102000000_bad failed and was rolled back: .*no_such_table/,
      );
      const tables = await query<{ t: string }>(
        db.url,
        "SELECT table_name AS t FROM information_schema.tables WHERE table_name LIKE 'zz_%'",
      );
      expect(tables).toEqual([{ t: 'zz_extra' }]);
      const recorded = await query<{ migration_name: string }>(
        db.url,
        `SELECT migration_name FROM "_prisma_migrations" WHERE migration_name LIKE '2999%'`,
      );
      expect(recorded).toEqual([{ migration_name: '29990101000000_extra' }]);
    });

    // On PGlite the connections queue up one after the other; on a server the advisory lock works.
    it('migrates once when several processes start at the same time', async () => {
      const fresh = await backend.create();
      try {
        const results = await Promise.all([
          applyMigrations(fresh.url),
          applyMigrations(fresh.url),
          applyMigrations(fresh.url),
        ]);
        expect(results.map((r) => r.length).sort()).toEqual([0, 0, names.length]);
        const [{ n }] = (await query<{ n: number }>(
          fresh.url,
          'SELECT count(*)::int AS n FROM "_prisma_migrations"',
        )) as [{ n: number }];
        expect(n).toBe(names.length);
      } finally {
        await fresh.stop();
      }
    });
  });
}

migrationSuite(pglite);

const postgresUrl = process.env.TEST_POSTGRES_URL;
if (postgresUrl) {
  migrationSuite(postgres(postgresUrl));
} else if (process.env.CI) {
  describe('migrations on a PostgreSQL server', () => {
    it('needs TEST_POSTGRES_URL in CI', () => {
      throw new Error(
        'TEST_POSTGRES_URL is not set: CI must run the migrations against a real PostgreSQL server (superuser URL)',
      );
    });
  });
} else {
  const reason =
    'TEST_POSTGRES_URL is not set (e.g. postgresql://postgres:postgres@127.0.0.1:5432/postgres, a superuser)';
  console.warn(`tests/db/migrations.test.ts: skipping the PostgreSQL server suite: ${reason}`);
  describe.skip(`migrations on a PostgreSQL server (skipped: ${reason})`, () => {
    it('applies the migrations', () => {});
  });
}
