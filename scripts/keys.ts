/**
 * API keys from the command line:
 *   npm run keys -- create --role operator|support|accountant [--office <officeId>] [--name <label>]
 *   npm run keys -- revoke <prefix|id>
 *   npm run keys -- list
 * Uses DATABASE_URL, or the embedded database under ./data when `npm start` is not running.
 */
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../lib/auth/api-keys.js';
import { createApiKey, KeyStoreError, listApiKeys, revokeApiKey } from '../lib/auth/key-store.js';
import { createPrisma } from '../lib/db/client.js';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { applyMigrations } from '../lib/db/migrate.js';

const USAGE =
  'usage: npm run keys -- create --role <operator|support|accountant> [--office <id>] [--name <label>] | revoke <prefix|id> | list';

const portAnswers = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });

async function openDatabase(): Promise<{ url: string; close(): Promise<void> }> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, close: async () => {} };
  // The embedded database is one process at a time: never open its folder under a running stack.
  if (await portAnswers(Number(process.env.EMBEDDED_DB_PORT ?? 5433))) {
    throw new KeyStoreError(
      'npm start is running and holds the embedded database: stop it first, or use POST /v1/api-keys with an operator key',
    );
  }
  const pg = await startEmbeddedPostgres({ dataDir: join(resolve(process.env.DATA_DIR ?? 'data'), 'pg') });
  await applyMigrations(pg.url);
  return { url: pg.url, close: pg.stop };
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, office: { type: 'string' }, name: { type: 'string' } },
  });
  const [command, target] = positionals;
  if (!command || !['create', 'revoke', 'list'].includes(command)) throw new KeyStoreError(USAGE);
  if (command === 'create' && !ROLES.includes(values.role as Role))
    throw new KeyStoreError(`--role must be one of ${ROLES.join(', ')}`);
  if (command === 'revoke' && !target) throw new KeyStoreError('usage: npm run keys -- revoke <prefix|id>');

  const db = await openDatabase();
  const prisma = createPrisma(db.url);
  try {
    if (command === 'create') {
      const created = await createApiKey(prisma, {
        role: values.role as Role,
        officeId: values.office,
        name: values.name ?? `${values.role} key`,
      });
      process.stdout.write(
        `Created ${created.role} key ${created.prefix} (id ${created.id}${created.officeId ? `, office ${created.officeId}` : ''}).\n`,
      );
      process.stdout.write(`This is the only time it is shown; store it now:\n\n  ${created.key}\n\n`);
    } else if (command === 'revoke') {
      const revoked = await revokeApiKey(prisma, target!);
      if (!revoked) throw new KeyStoreError(`no live key ${target}`);
      process.stdout.write(`Revoked ${target}.\n`);
    } else {
      for (const key of await listApiKeys(prisma)) {
        process.stdout.write(
          `${key.prefix}  ${key.role.padEnd(10)}  ${key.revokedAt ? 'revoked' : 'live   '}  ${key.officeId ?? '-'}  ${key.name}\n`,
        );
      }
    }
  } finally {
    await prisma.$disconnect();
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof KeyStoreError ? error.message : `keys failed: ${error instanceof Error ? error.message : String(error)}`}\n`,
  );
  process.exit(1);
});
