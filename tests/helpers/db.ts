// A fresh, migrated database per call, for API and worker tests: in-memory PGlite served on a
// local port, with a Prisma client. A fresh PGlite costs seconds (initdb); so the migrated
// database is built once, dumped to a tarball cached under node_modules/.cache (keyed by the
// migrations and the PGlite version), and each call loads that tarball (well under a second).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrisma, type PrismaClient } from '../../lib/db/client.js';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { applyMigrations, defaultMigrationsDir, readMigrations } from '../../lib/db/migrate.js';

export interface TestDatabase {
  /** Embedded: one connection at a time, and `prisma` holds it once used. Prefer `prisma`. */
  url: string;
  prisma: PrismaClient;
  /** Disconnects Prisma and drops the database. */
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
let template: Promise<Blob> | undefined;

async function templateKey(): Promise<string> {
  const pgliteDist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  const hash = createHash('sha256').update(await readFile(join(pgliteDist, '..', 'package.json')));
  for (const m of await readMigrations(defaultMigrationsDir())) hash.update(`${m.name}:${m.checksum}\n`);
  return hash.digest('hex').slice(0, 16);
}

async function buildTemplate(): Promise<Blob> {
  const file = join(root, 'node_modules', '.cache', 'bankfeed-db', `template-${await templateKey()}.tar`);
  if (existsSync(file)) return new Blob([await readFile(file)]);
  const pg = await startEmbeddedPostgres();
  try {
    await applyMigrations(pg.url);
    const dump = await pg.dump();
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`; // concurrent test files: last rename wins, same content
    await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
    await rename(tmp, file);
    for (const old of await readdir(dirname(file))) {
      if (old.startsWith('template-') && old.endsWith('.tar') && join(dirname(file), old) !== file)
        await rm(join(dirname(file), old), { force: true });
    }
    return dump;
  } finally {
    await pg.stop();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  template ??= buildTemplate();
  template.catch(() => (template = undefined)); // let the next call retry
  const pg = await startEmbeddedPostgres({ loadDataDir: await template });
  const prisma = createPrisma(pg.url);
  return {
    url: pg.url,
    prisma,
    async stop() {
      await prisma.$disconnect();
      await pg.stop();
    },
  };
}
