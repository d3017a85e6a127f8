import { describe, expect, it } from 'vitest';
import { parseApiKey, secretMatches } from '../../lib/auth/api-keys.js';
import { cliDatabase } from './cli-database.js';

const { run: keys, withPrisma } = cliDatabase('scripts/keys.ts');

describe('npm run keys', () => {
  it('creates a key, shows it once, stores only its hash; lists and revokes it', async () => {
    const created = await keys('create', '--role', 'operator', '--name', 'back office');
    expect(created.code).toBe(0);
    const key = /\n\s+(bfk_\S+)\n/.exec(created.output)?.[1];
    expect(key).toBeDefined();
    const parsed = parseApiKey(key!)!;
    const row = await withPrisma((prisma) => prisma.apiKey.findUniqueOrThrow({ where: { prefix: parsed.prefix } }));
    expect(row).toMatchObject({ role: 'operator', name: 'back office', revokedAt: null });
    expect(secretMatches(parsed.secret, row.hash)).toBe(true);
    expect(row.hash).not.toContain(parsed.secret);

    const listed = await keys('list');
    expect(listed.output).toContain(parsed.prefix);
    expect(listed.output).not.toContain(parsed.secret);

    expect((await keys('revoke', parsed.prefix)).code).toBe(0);
    const revoked = await withPrisma((prisma) => prisma.apiKey.findUniqueOrThrow({ where: { prefix: parsed.prefix } }));
    expect(revoked.revokedAt).not.toBeNull();
    expect(await keys('revoke', parsed.prefix)).toMatchObject({
      code: 1,
      output: expect.stringContaining('no live key'),
    });
  });

  it.each([
    [['create', '--role', 'admin'], /--role must be one of accountant, operator, support/],
    [['create', '--role', 'accountant'], /an accountant key needs an office/],
    [['frobnicate'], /usage: npm run keys/],
  ])('refuses %j with one clear line', async (args, message) => {
    const result = await keys(...args);
    expect(result.code).toBe(1);
    expect(result.output.trim().split('\n')).toHaveLength(1);
    expect(result.output).toMatch(message);
  });
});
