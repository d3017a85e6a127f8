// What the database driver really throws when the database goes away, read by the one rule that
// turns it into 503 database_unavailable (lib/db/unavailable.ts) rather than a 500: connections cut
// under an open pool, then nothing listening.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '../../lib/db/client.js';
import { isDatabaseUnavailable } from '../../lib/db/unavailable.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

const failure = async (run: () => Promise<unknown>): Promise<unknown> => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the query to fail');
};
const describeError = (e: unknown) => `${(e as Error).constructor?.name}: ${(e as Error).message}`;

describe('a database that went away is recognised as unavailable', () => {
  it('connections cut under an open pool, then nothing listening on its address', async () => {
    const target = new URL(db.url);
    const proxy = await startTcpProxy(target.host);
    const url = new URL(db.url);
    url.host = proxy.address;
    const prisma = createPrisma(url.toString(), { maxConnections: 2 });
    try {
      await prisma.$queryRaw`SELECT 1`;
      await proxy.close();
      for (const query of [
        () => prisma.$queryRaw`SELECT 1`,
        () => prisma.office.findFirst(),
        () => prisma.office.findFirst(),
      ]) {
        const error = await failure(query);
        expect(isDatabaseUnavailable(error), describeError(error)).toBe(true);
      }
    } finally {
      await prisma.$disconnect().catch(() => undefined);
    }
  });
});
