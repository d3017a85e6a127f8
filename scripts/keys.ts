/**
 * API keys from the command line:
 *   npm run keys -- create --role operator|support|accountant [--office <officeId>] [--name <label>]
 *   npm run keys -- revoke <prefix|id>
 *   npm run keys -- list
 * Uses DATABASE_URL, or the embedded database under ./data when `npm start` is not running.
 */
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../lib/auth/api-keys.js';
import { createApiKey, KeyStoreError, listApiKeys, revokeApiKey } from '../lib/auth/key-store.js';
import { createPrisma } from '../lib/db/client.js';
import { CliError, openCliDatabase } from './db/cli-database.js';

const USAGE =
  'usage: npm run keys -- create --role <operator|support|accountant> [--office <id>] [--name <label>] | revoke <prefix|id> | list';

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

  const db = await openCliDatabase('POST /v1/api-keys with an operator key');
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
    `${error instanceof KeyStoreError || error instanceof CliError ? error.message : `keys failed: ${error instanceof Error ? error.message : String(error)}`}\n`,
  );
  process.exit(1);
});
