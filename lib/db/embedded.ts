// Embedded PostgreSQL for development and tests: PGlite (Postgres compiled to WebAssembly),
// served on a local TCP port with pglite-socket's protocol handler, so every client connects
// with `pg` exactly as it would to a real server.
//
// PGlite is ONE backend session: two connections used at once interleave their transactions
// (checked: concurrent Prisma transactions over a pool of 4 lose rows). So this server serves one
// connection at a time, and every client must use a pool of exactly one (EMBEDDED_POOL_MAX),
// with one process connected at a time. Unlike pglite-socket's own server, which refuses any
// connection beyond the first, a further connection here waits for the current one to close:
// a reconnect that races the previous disconnect (pool.end() then connect) then just works.
import { mkdir } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions, PGLiteSocketServer } from '@electric-sql/pglite-socket';

export const EMBEDDED_POOL_MAX = 1;

// Marks URLs served by startEmbeddedPostgres, so a client in any process can tell.
const MARKER = 'application_name=pglite-embedded';

export function isEmbeddedUrl(url: string): boolean {
  return url.includes(MARKER);
}

export interface EmbeddedPostgresOptions {
  /** Folder to persist to (created if missing); undefined keeps the database in memory. */
  dataDir?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  host?: string;
  /** Start from a dump() taken earlier (in memory only): much faster than a fresh initdb. */
  loadDataDir?: Blob;
  /** How long a further connection waits for the current one to close before it is refused. */
  connectWaitMs?: number;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  /** A tarball of the whole database, for `loadDataDir`. Take it while no client is connected. */
  dump(): Promise<Blob>;
  /** Closes the server, then shuts PGlite down cleanly (checkpoint) so the folder reopens. */
  stop(): Promise<void>;
}

/** A Postgres ErrorResponse, so `pg` shows the reason instead of "connection terminated". */
function fatal(message: string): Buffer {
  const body = Buffer.from(`SFATAL\0C53300\0M${message}\0\0`);
  const head = Buffer.alloc(5);
  head.write('E');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/**
 * Starts PGlite and its server. With `thread`, both run on a thread of their own
 * (lib/db/embedded-thread.ts): PGlite executes every statement synchronously on the thread that
 * holds it, so in the process's main thread each statement stops the API and the worker for its
 * whole length. `npm start` uses a thread; the tests' databases stay in the test's thread.
 */
export async function startEmbeddedPostgres(
  opts: EmbeddedPostgresOptions & { thread?: boolean } = {},
): Promise<EmbeddedPostgres> {
  const { thread, ...rest } = opts;
  if (!thread) return serveEmbeddedPostgres(rest);
  const { startEmbeddedThread } = await import('./embedded-thread-client.js');
  return startEmbeddedThread(rest);
}

/** PGlite and its server in this thread. */
export async function serveEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = opts.host ?? '127.0.0.1';
  let dataDir: string | undefined;
  if (opts.dataDir) {
    dataDir = resolve(opts.dataDir);
    await mkdir(dataDir, { recursive: true });
  }
  if (dataDir && opts.loadDataDir) throw new Error('startEmbeddedPostgres: dataDir and loadDataDir exclude each other');
  // The contrib extensions the migrations create (the case search's trigram index and unaccent).
  const extensions = { pg_trgm, unaccent };
  const db = await PGlite.create({
    extensions,
    ...(dataDir ? { dataDir } : opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  });

  // pglite-socket's query queue (it runs one protocol message at a time on PGlite) is not
  // exported on its own: take the one a never-started server builds.
  const { queryQueue } = new PGLiteSocketServer({ db }) as unknown as Pick<PGLiteSocketHandlerOptions, 'queryQueue'>;
  let active: PGLiteSocketHandler | undefined;
  const waiting: Socket[] = [];
  const sockets = new Set<Socket>();
  let stopping = false;

  const serveNext = () => {
    if (active || stopping) return;
    const socket = waiting.shift();
    if (!socket) return;
    if (socket.destroyed) return serveNext();
    const handler = new PGLiteSocketHandler({ queryQueue, closeOnDetach: true });
    active = handler;
    const release = () => {
      if (active !== handler) return;
      active = undefined;
      serveNext();
    };
    handler.addEventListener('close', release);
    handler.addEventListener('error', release);
    handler.attach(socket).catch(() => {
      socket.destroy();
      release();
    });
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // a client going away is not our error
    waiting.push(socket);
    const timer = setTimeout(() => {
      if (!waiting.includes(socket)) return;
      waiting.splice(waiting.indexOf(socket), 1);
      socket.end(fatal('embedded database: another client holds its only connection (use a pool of 1, one process)'));
    }, opts.connectWaitMs ?? 10_000);
    timer.unref();
    serveNext();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => ok());
  }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const { port } = server.address() as { port: number };
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `postgresql://postgres:postgres@${urlHost}:${port}/postgres?sslmode=disable&${MARKER}`;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      await active?.detach(true); // rolls back a transaction it left open
      for (const socket of sockets) socket.destroy();
      await closed;
      await db.close();
    })());
  return { url, port, stop, dump: () => db.dumpDataDir('none') };
}
