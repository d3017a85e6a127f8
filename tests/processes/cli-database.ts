import { afterAll, beforeAll } from 'vitest';
import { createPrisma } from '../../lib/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { spawnEntry } from './spawn.js';

/**
 * An embedded, migrated database for a file testing one of the CLIs (`npm run keys`, `npm run users`): runs
 * `script` against it as its own process, and reads the database between runs.
 */
export function cliDatabase(script: string) {
  // The migrated template (tests/helpers/db.ts): its own Prisma client is never used, the CLI and
  // `withPrisma` take the one connection in turn.
  let pg: TestDatabase;
  beforeAll(async () => {
    pg = await createTestDatabase();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  async function run(...args: string[]) {
    const proc = spawnEntry(script, { DATABASE_URL: pg.url }, args);
    const { code } = await proc.exited;
    return { code, output: proc.output() };
  }

  /** Reads the database between CLI runs (the embedded server takes one connection at a time). */
  async function withPrisma<T>(fn: (prisma: ReturnType<typeof createPrisma>) => Promise<T>): Promise<T> {
    const prisma = createPrisma(pg.url);
    try {
      return await fn(prisma);
    } finally {
      await prisma.$disconnect();
    }
  }
  return { run, withPrisma };
}
