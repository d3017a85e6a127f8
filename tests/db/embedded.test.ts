import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isEmbeddedUrl, startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { createTestDatabase } from '../helpers/db.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL (PGlite over a socket)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps its data in dataDir across stop and start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pglite-'));
    dirs.push(dir);
    const first = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
    expect(isEmbeddedUrl(first.url)).toBe(true);
    await query(first.url, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'kept')");
    await first.stop();
    await first.stop(); // idempotent

    const second = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
    try {
      expect(await query(second.url, 'SELECT * FROM notes')).toEqual([{ id: 1, body: 'kept' }]);
    } finally {
      await second.stop();
    }
  });

  it('serves one connection at a time: a further one waits for it, then is refused', async () => {
    const db = await startEmbeddedPostgres({ connectWaitMs: 1_000 });
    const connect = async () => {
      const client = new pg.Client({ connectionString: db.url });
      client.on('error', () => {});
      await client.connect();
      return client;
    };
    try {
      const a = await connect();
      await expect(connect()).rejects.toThrow(/only connection/);
      const waiting = connect();
      await a.query('SELECT 1');
      await a.end();
      const b = await waiting; // served as soon as `a` is gone
      expect((await b.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
      await b.end();
      for (let i = 0; i < 10; i++) await (await connect()).end(); // reconnects right after a close
    } finally {
      await db.stop();
    }
  });

  it('works with the generated Prisma client (createTestDatabase)', async () => {
    const started = Date.now();
    const db = await createTestDatabase();
    const setupMs = Date.now() - started;
    try {
      const { prisma } = db;
      const office = await prisma.office.create({
        data: {
          name: 'Fiduciaire Dupont',
          language: 'fr',
          contactEmail: 'office@example.test',
          clients: {
            create: { companyName: 'ACME SA', clientCode: 'C001', language: 'nl', enterpriseNumber: '0403170701' },
          },
        },
        include: { clients: true },
      });
      expect(office.id).toMatch(/^[0-9a-f-]{36}$/);
      const clientId = office.clients[0]!.id;
      await prisma.connection.create({
        data: {
          officeId: office.id,
          clientId,
          ownerLanguage: 'fr',
          provider: 'sandbox',
          ibans: ['BE68539007547034'],
          validUntil: new Date('2030-01-01T00:00:00Z'),
          workflowId: 'wf-1',
        },
      });
      await prisma.webhookEvent.create({ data: { provider: 'sandbox', eventId: 'e1', payload: { a: [1, 'x'] } } });

      // Several queries at once: they queue on the single connection instead of opening more.
      const [connections, events, count] = await Promise.all([
        prisma.connection.findMany({ where: { officeId: office.id } }),
        prisma.webhookEvent.findMany(),
        prisma.client.count(),
      ]);
      expect(connections[0]).toMatchObject({
        ibans: ['BE68539007547034'],
        status: 'connected',
        validUntil: new Date('2030-01-01T00:00:00Z'),
      });
      expect(events[0]?.payload).toEqual({ a: [1, 'x'] });
      expect(count).toBe(1);

      // Interactive transactions roll back as a whole.
      await expect(
        prisma.$transaction(async (tx) => {
          await tx.client.update({ where: { id: clientId }, data: { email: 'acme@example.test' } });
          await tx.client.create({
            data: { officeId: office.id, companyName: 'Dup', clientCode: 'C001', language: 'fr' },
          });
        }),
      ).rejects.toMatchObject({ code: 'P2002' });
      expect((await prisma.client.findUniqueOrThrow({ where: { id: clientId } })).email).toBeNull();
    } finally {
      await db.stop();
    }
    console.log(`createTestDatabase: ${setupMs} ms`);
  });

  /** The longest this thread went without running a 10 ms timer while `url` ran a long statement, and the statement's time. */
  const stall = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let last = performance.now();
    let longest = 0;
    const tick = setInterval(() => {
      longest = Math.max(longest, performance.now() - last);
      last = performance.now();
    }, 10);
    const started = performance.now();
    try {
      await client.query('SELECT count(*) FROM generate_series(1, 3000000)');
    } finally {
      clearInterval(tick);
      await client.end();
    }
    return { longest, statement: performance.now() - started };
  };

  it('on a thread of its own (npm start): serves, keeps its data, dumps a copy that loads, stops, and leaves this thread free during a long statement', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pglite-thread-'));
    dirs.push(dir);
    const first = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), thread: true });
    expect(isEmbeddedUrl(first.url)).toBe(true);
    await query(first.url, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'kept')");
    const copy = await first.dump();
    await first.stop();
    await first.stop(); // idempotent

    const second = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), thread: true });
    try {
      expect(await query(second.url, 'SELECT * FROM notes')).toEqual([{ id: 1, body: 'kept' }]);
    } finally {
      await second.stop();
    }
    const third = await startEmbeddedPostgres({ loadDataDir: copy, thread: true });
    try {
      expect(await query(third.url, 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
      // PGlite runs a statement on the thread that holds it: here not this one.
      const there = await stall(third.url);
      expect(there.longest).toBeLessThan(there.statement * 0.5);
    } finally {
      await third.stop();
    }
  });

  it('in this thread (the tests), a long statement stops this thread for its whole length', async () => {
    const db = await createTestDatabase();
    try {
      const here = await stall(db.url);
      expect(here.longest).toBeGreaterThan(here.statement * 0.8);
    } finally {
      await db.stop();
    }
  });
});
