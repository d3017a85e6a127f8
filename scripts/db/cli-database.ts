import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { applyMigrations } from '../../lib/db/migrate.js';

/** A refusal a command-line tool prints as its one line (exit 1). */
export class CliError extends Error {
  override name = 'CliError';
}

const portAnswers = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });

/**
 * The database of a command-line tool (npm run keys, npm run users): DATABASE_URL (also from .env), or
 * the embedded one under DATA_DIR while `npm start` is not running (its folder is one process at a
 * time). `instead` names what to use while the stack runs.
 */
export async function openCliDatabase(instead: string): Promise<{ url: string; close(): Promise<void> }> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, close: async () => {} };
  if (await portAnswers(Number(process.env.EMBEDDED_DB_PORT ?? 5433))) {
    throw new CliError(`npm start is running and holds the embedded database: stop it first, or use ${instead}`);
  }
  const pg = await startEmbeddedPostgres({ dataDir: join(resolve(process.env.DATA_DIR ?? 'data'), 'pg') });
  await applyMigrations(pg.url);
  return { url: pg.url, close: pg.stop };
}
