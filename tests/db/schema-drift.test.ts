// schema.prisma and prisma/migrations must describe the same database. Fails when a schema
// change has no migration (npm run db:migration:new -- <name>) or a migration was hand-edited
// away from the schema.
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { diffSchemas } from '../../scripts/db/schema-engine.js';
import { describeCatalog, diffCatalogs } from './catalog.js';

const schemaFile = new URL('../../prisma/schema.prisma', import.meta.url);

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Catalog of a database made by running `sql` on an emptied `public` schema of `db`. */
function catalogOfScript(db: EmbeddedPostgres, sql: string): Promise<string[]> {
  return withClient(db.url, async (c) => {
    await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await c.query(sql);
    return describeCatalog(c);
  });
}

describe('schema drift: schema.prisma vs prisma/migrations', () => {
  let migrated: EmbeddedPostgres; // migrations applied
  let scratch: EmbeddedPostgres; // schema.prisma's own SQL, from the schema engine
  let migratedCatalog: string[];
  let schema: string;

  beforeAll(async () => {
    [migrated, scratch, schema] = await Promise.all([
      startEmbeddedPostgres(),
      startEmbeddedPostgres(),
      readFile(schemaFile, 'utf8'),
    ]);
    await applyMigrations(migrated.url);
    migratedCatalog = await withClient(migrated.url, (c) => describeCatalog(c));
  });
  afterAll(async () => {
    await Promise.all([migrated?.stop(), scratch?.stop()]);
  });

  it('the migrated database is exactly what schema.prisma describes', async () => {
    const fromSchema = await catalogOfScript(scratch, await diffSchemas(null, schema, { url: scratch.url }));
    expect(migratedCatalog.length).toBeGreaterThan(50);
    const difference = diffCatalogs(fromSchema, migratedCatalog, ['schema.prisma', 'prisma/migrations']);
    expect(
      difference,
      `schema.prisma and prisma/migrations disagree; run npm run db:migration:new -- <name>\n${difference}`,
    ).toBe('');
  });

  it('notices a schema change that has no migration', async () => {
    const changed = schema
      .replace(/(model Office \{\n)/, '$1  vatNumber String?\n')
      .replace(/(enum CaseType \{\n)/, '$1  invoice\n');
    expect(changed).not.toBe(schema);
    const fromChanged = await catalogOfScript(scratch, await diffSchemas(null, changed, { url: scratch.url }));
    const difference = diffCatalogs(fromChanged, migratedCatalog, ['schema.prisma', 'prisma/migrations']);
    expect(difference).toContain('- column offices.vatNumber text NULL');
    expect(difference).toMatch(/- enum CaseType \(invoice, mandate, caro, connection\)/);
    expect(difference).toMatch(/\+ enum CaseType \(mandate, caro, connection\)/);
  });
});
