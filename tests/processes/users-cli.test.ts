import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../lib/auth/passwords.js';
import { findSession, openSession } from '../../lib/auth/sessions.js';
import { cliDatabase } from './cli-database.js';

const { run: users, withPrisma } = cliDatabase('scripts/users.ts');

/** The password printed under the e-mail address, indented (shown once). */
const printedPassword = (output: string, email: string) =>
  new RegExp(`\\n\\s+${email.replace('.', '\\.')}\\n\\s+(\\S+)\\n`).exec(output)?.[1];

describe('npm run users', () => {
  it('creates an account with a generated password shown once, stores only its scrypt hash; lists, disables, enables and resets it', async () => {
    const created = await users(
      'create',
      '--email',
      'Alice@Example.be',
      '--name',
      'Alice Martin',
      '--role',
      'operator',
    );
    expect(created.code, created.output).toBe(0);
    const password = printedPassword(created.output, 'alice@example.be');
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    const row = await withPrisma((prisma) =>
      prisma.user.findUniqueOrThrow({ where: { email: 'alice@example.be' }, include: { apiKey: true } }),
    );
    expect(row).toMatchObject({
      name: 'Alice Martin',
      role: 'operator',
      officeId: null,
      language: 'fr',
      disabledAt: null,
    });
    expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.passwordHash).not.toContain(password);
    expect(await verifyPassword(password!, row.passwordHash)).toBe(true);
    // Its principal key row: same role, a hash nobody holds.
    expect(row.apiKey).toMatchObject({ role: 'operator', revokedAt: null });

    const listed = await users('list');
    expect(listed.output).toMatch(/alice@example\.be\s+operator\s+active\s+-\s+fr\s+Alice Martin/);
    expect(listed.output).not.toContain(password);
    expect(listed.output).not.toContain('scrypt');

    const session = await withPrisma((prisma) => openSession(prisma, row.id, 12));
    const disabled = await users('disable', '--email', 'alice@example.be');
    expect(disabled).toMatchObject({ code: 0, output: expect.stringContaining('Disabled alice@example.be') });
    await withPrisma(async (prisma) => {
      expect((await prisma.user.findUniqueOrThrow({ where: { id: row.id } })).disabledAt).not.toBeNull();
      expect(await findSession(prisma, session.token)).toBeNull();
      expect(await prisma.session.count({ where: { userId: row.id } })).toBe(0);
    });
    expect((await users('list')).output).toMatch(/alice@example\.be\s+operator\s+disabled/);
    expect((await users('enable', '--email', 'alice@example.be')).code).toBe(0);

    const reset = await users('reset-password', '--email', 'ALICE@example.be');
    expect(reset.code, reset.output).toBe(0);
    const fresh = printedPassword(reset.output, 'alice@example.be');
    expect(fresh).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(fresh).not.toBe(password);
    const after = await withPrisma((prisma) => prisma.user.findUniqueOrThrow({ where: { id: row.id } }));
    expect(after.disabledAt).toBeNull();
    expect(await verifyPassword(fresh!, after.passwordHash)).toBe(true);
  });

  it('binds an accountant to an office, in the language asked', async () => {
    const office = await withPrisma((prisma) =>
      prisma.office.create({ data: { name: 'Fiduciaire CLI', language: 'nl', contactEmail: 'office@example.be' } }),
    );
    const created = await users(
      'create',
      '--email',
      'boekhouder@example.be',
      '--name',
      'Boekhouder',
      '--role',
      'accountant',
      '--office',
      office.id,
      '--language',
      'nl',
    );
    expect(created.code, created.output).toBe(0);
    expect(created.output).toContain(`office ${office.id}`);
    const row = await withPrisma((prisma) =>
      prisma.user.findUniqueOrThrow({ where: { email: 'boekhouder@example.be' } }),
    );
    expect(row).toMatchObject({ role: 'accountant', officeId: office.id, language: 'nl' });
  });

  it.each([
    [
      ['create', '--email', 'a@example.be', '--name', 'A', '--role', 'admin'],
      /--role must be one of accountant, operator, support/,
    ],
    [['create', '--email', 'a@example.be', '--name', 'A', '--role', 'accountant'], /an accountant needs an office/],
    [
      [
        'create',
        '--email',
        'a@example.be',
        '--name',
        'A',
        '--role',
        'support',
        '--office',
        '0194f1a0-0000-7000-8000-000000000000',
      ],
      /a support is not bound to an office/,
    ],
    [
      ['create', '--email', 'a@example.be', '--name', 'A', '--role', 'support', '--language', 'de'],
      /--language must be one of fr, nl, en/,
    ],
    [['create', '--email', 'not-an-address', '--name', 'A', '--role', 'support'], /--email must be an e-mail address/],
    [['create', '--email', 'a@example.be', '--role', 'support'], /--name is required/],
    [['disable', '--email', 'nobody@example.be'], /no account nobody@example\.be/],
    [['frobnicate'], /usage: npm run users/],
  ])('refuses %j with one clear line', async (args, message) => {
    const result = await users(...args);
    expect(result.code).toBe(1);
    expect(result.output.trim().split('\n')).toHaveLength(1);
    expect(result.output).toMatch(message);
  });

  it('refuses a second account with the same e-mail, whatever its case', async () => {
    expect((await users('create', '--email', 'twice@example.be', '--name', 'One', '--role', 'support')).code).toBe(0);
    const again = await users('create', '--email', 'TWICE@example.be', '--name', 'Two', '--role', 'support');
    expect(again).toMatchObject({ code: 1, output: expect.stringContaining('an account with this e-mail exists') });
  });
});
