import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

/** Lints `code` as if it lived at `filePath`, returning the rule ids that fired. */
async function rulesFired(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const inWorkflow = 'workflows/consent-renewal/boundary-probe.ts';

describe('ESLint workflow import boundary', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", 'node built-ins'],
    ["import { Resend } from 'resend';\nexport const x = Resend;", 'resend'],
    [
      "import { ConnectionStatus } from '../../prisma/generated/client.js';\nexport const x = ConnectionStatus;",
      'Prisma values',
    ],
    ["import { PrismaClient } from '@prisma/client';\nexport const x = PrismaClient;", '@prisma/client'],
    [
      "import { createActivities } from '../../activities/index.js';\nexport const x = createActivities;",
      'activity code',
    ],
    ["import { createApp } from '../../api/app.js';\nexport const x = createApp;", 'API code'],
    ["import { Client } from '@temporalio/client';\nexport const x = Client;", 'the Temporal client'],
  ])('refuses a value import of %s (%s)', async (code) => {
    expect(await rulesFired(code, inWorkflow)).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('refuses process.env inside workflows', async () => {
    expect(await rulesFired('export const x = process.env.SECRET;', inWorkflow)).toEqual(
      expect.arrayContaining(['no-restricted-properties']),
    );
  });

  it('allows type-only imports of activities and Prisma types', async () => {
    const code = [
      "import type { createActivities } from '../../activities/index.js';",
      "import type { Connection } from '../../prisma/generated/client.js';",
      'export type A = ReturnType<typeof createActivities> | Connection;',
    ].join('\n');
    expect(await rulesFired(code, inWorkflow)).toEqual([]);
  });

  it('leaves code outside workflows/ alone', async () => {
    expect(
      await rulesFired(
        "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;",
        'activities/probe.ts',
      ),
    ).toEqual([]);
  });
});
