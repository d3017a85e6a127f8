/**
 * People's console accounts from the command line (machines keep API keys: npm run keys):
 *   npm run users -- create --email <address> --name <name> --role operator|support|accountant [--office <officeId>] [--language fr|nl|en]
 *   npm run users -- list
 *   npm run users -- disable --email <address>      (ends the account's sessions)
 *   npm run users -- enable --email <address>
 *   npm run users -- reset-password --email <address>   (a new generated password, shown once; ends the sessions)
 * Uses DATABASE_URL, or the embedded database under ./data when `npm start` is not running.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ROLES, type Role } from '../lib/auth/api-keys.js';
import { generatePassword } from '../lib/auth/passwords.js';
import {
  createUser,
  findUserByEmail,
  listUsers,
  updateUser,
  USER_LANGUAGES,
  UserStoreError,
  type UserChange,
  type UserLanguage,
} from '../lib/auth/user-store.js';
import { createPrisma, type PrismaClient } from '../lib/db/client.js';
import { CliError, openCliDatabase } from './db/cli-database.js';

const COMMANDS = ['create', 'list', 'disable', 'enable', 'reset-password'] as const;
const USAGE =
  'usage: npm run users -- create --email <address> --name <name> --role <operator|support|accountant> [--office <id>] [--language fr|nl|en] | list | disable --email <address> | enable --email <address> | reset-password --email <address>';

const shownOnce = (email: string, password: string) =>
  `This is the only time the password is shown; give it to its owner:\n\n  ${email}\n  ${password}\n\n`;

async function change(prisma: PrismaClient, email: string, what: UserChange): Promise<string> {
  const user = await findUserByEmail(prisma, email);
  if (!user) throw new CliError(`no account ${email}`);
  await updateUser(prisma, user.id, what);
  return user.email;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      office: { type: 'string' },
      language: { type: 'string' },
    },
  });
  const command = positionals[0] as (typeof COMMANDS)[number] | undefined;
  if (!command || !COMMANDS.includes(command) || positionals.length > 1) throw new CliError(USAGE);
  if (command !== 'list' && !z.email().safeParse(values.email).success)
    throw new CliError(`--email must be an e-mail address (npm run users -- ${command} --email <address>)`);
  if (command === 'create') {
    if (!values.name?.trim()) throw new CliError('--name is required (the name the console and timelines show)');
    if (!ROLES.includes(values.role as Role)) throw new CliError(`--role must be one of ${ROLES.join(', ')}`);
    if (values.language !== undefined && !USER_LANGUAGES.includes(values.language as UserLanguage))
      throw new CliError(`--language must be one of ${USER_LANGUAGES.join(', ')}`);
  }

  const db = await openCliDatabase('the console or /v1/users with an operator');
  const prisma = createPrisma(db.url);
  try {
    if (command === 'create') {
      const { user, generatedPassword } = await createUser(prisma, {
        email: values.email!,
        name: values.name!.trim(),
        role: values.role as Role,
        officeId: values.office,
        language: (values.language as UserLanguage | undefined) ?? 'fr',
      });
      process.stdout.write(
        `Created ${user.role} account ${user.id} (${user.name}${user.officeId ? `, office ${user.officeId}` : ''}).\n`,
      );
      process.stdout.write(shownOnce(user.email, generatedPassword!));
    } else if (command === 'list') {
      for (const user of await listUsers(prisma)) {
        process.stdout.write(
          `${user.email}  ${user.role.padEnd(10)}  ${user.disabledAt ? 'disabled' : 'active  '}  ${user.officeId ?? '-'}  ${user.language}  ${user.name}\n`,
        );
      }
    } else if (command === 'disable') {
      process.stdout.write(
        `Disabled ${await change(prisma, values.email!, { disabled: true })}; its sessions ended.\n`,
      );
    } else if (command === 'enable') {
      process.stdout.write(`Enabled ${await change(prisma, values.email!, { disabled: false })}.\n`);
    } else {
      const password = generatePassword();
      const email = await change(prisma, values.email!, { password });
      process.stdout.write(`New password for ${email}; its sessions ended.\n`);
      process.stdout.write(shownOnce(email, password));
    }
  } finally {
    await prisma.$disconnect();
    await db.close();
  }
}

main().catch((error: unknown) => {
  const known = error instanceof CliError || error instanceof UserStoreError;
  process.stderr.write(
    `${known ? error.message : `users failed: ${error instanceof Error ? error.message : String(error)}`}\n`,
  );
  process.exit(1);
});
