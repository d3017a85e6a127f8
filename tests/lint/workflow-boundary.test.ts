import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The project's config, without its type-aware part: the probes below are not files of the
// TypeScript project (and loading the program would take half a minute), and the import rules
// under test read only the syntax.
const eslint = new ESLint({ overrideConfig: tseslint.configs.disableTypeChecked });

/** Lints `code` as if it lived at `filePath`, returning the rule ids that fired. */
async function rulesFired(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const inWorkflow = 'workflows/consent-renewal/boundary-probe.ts';
const WORKFLOW_IMPORTS = 'boundaries/workflow-imports';
const RESTRICTED = '@typescript-eslint/no-restricted-imports';

describe('ESLint workflow import boundary (an allow-list)', () => {
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
    ["import { uuidv7 } from '../../lib/db/ids.js';\nexport const x = uuidv7;", 'lib code'],
    ["import { Client } from '@temporalio/client';\nexport const x = Client;", 'the Temporal client'],
    ["import { ApplicationFailure } from '@temporalio/common';\nexport const x = ApplicationFailure;", 'common'],
    // Packages nobody listed: a deny-list would let them through.
    ["import _ from 'lodash';\nexport const x = _;", 'a new package (lodash)'],
    ["import axios from 'axios';\nexport const x = axios;", 'a new package (axios)'],
    ["export { default } from 'axios';", 'a re-export'],
    ["export * from '../../lib/links/links.js';", 'a re-export of lib'],
    ["import 'axios';", 'a side-effect import'],
    ["export const load = () => import('axios');", 'a dynamic import'],
    ["import { type Client, Connection } from '@temporalio/client';\nexport const x: Client = Connection;", 'mixed'],
  ])('refuses a value import of %s (%s)', async (code) => {
    expect(await rulesFired(code, inWorkflow)).toContain(WORKFLOW_IMPORTS);
  });

  it('refuses a relative import that climbs out of workflows/ from the top level too', async () => {
    expect(await rulesFired("import { x } from '../lib/x.js';\nexport const y = x;", 'workflows/probe.ts')).toContain(
      WORKFLOW_IMPORTS,
    );
  });

  it('accepts @temporalio/workflow, async-mutex and other workflow files', async () => {
    const code = [
      "import { sleep } from '@temporalio/workflow';",
      "import { Mutex } from 'async-mutex';",
      "import { localTime } from '../shared/local-time.js';",
      "import { plan } from './plan.js';",
      "export { caroActivationWorkflow } from '../caro-activation/workflow.js';",
      'export const x = [sleep, Mutex, localTime, plan];',
    ].join('\n');
    expect(await rulesFired(code, inWorkflow)).toEqual([]);
    expect(
      await rulesFired(
        "export { mandateWorkflow } from './mandate/workflow.js';\nexport * from './shared/local-time.js';",
        'workflows/index.ts',
      ),
    ).toEqual([]);
  });

  it('refuses process.env inside workflows', async () => {
    expect(await rulesFired('export const x = process.env.SECRET;', inWorkflow)).toEqual(
      expect.arrayContaining(['no-restricted-properties']),
    );
  });

  it('allows type-only imports of anything', async () => {
    const code = [
      "import type { createActivities } from '../../activities/index.js';",
      "import type { Connection } from '../../prisma/generated/client.js';",
      "import { type Client } from '@temporalio/client';",
      "export type { LinkBuilder } from '../../lib/links/links.js';",
      'export type A = ReturnType<typeof createActivities> | Connection | Client;',
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

describe('ESLint layer boundaries', () => {
  it.each([
    ["import { createActivities } from '../../activities/index.js';\nexport const x = createActivities;", 'value'],
    ["import type { ActivityDeps } from '../../activities/deps.js';\nexport type X = ActivityDeps;", 'type'],
    ["import { createWorker } from '../../workers/create-worker.js';\nexport const x = createWorker;", 'the worker'],
  ])('refuses api → activities/workers (%s, %s)', async (code) => {
    expect(await rulesFired(code, 'api/routes/boundary-probe.ts')).toContain(RESTRICTED);
  });

  it('refuses activities → api', async () => {
    expect(
      await rulesFired(
        "import { ApiError } from '../../api/errors.js';\nexport const x = ApiError;",
        'activities/caro/boundary-probe.ts',
      ),
    ).toContain(RESTRICTED);
  });

  it('refuses lib → api, activities, workers', async () => {
    for (const layer of ['api/app.js', 'activities/index.js', 'workers/env.js']) {
      expect(
        await rulesFired(`import { x } from '../../${layer}';\nexport const y = x;`, 'lib/links/boundary-probe.ts'),
      ).toContain(RESTRICTED);
    }
  });

  it('lets api and activities share lib/ and the workflow contracts', async () => {
    const code = [
      "import { renderTemplate } from '../../lib/email/templates/index.js';",
      "import { caroLinkSubject } from '../../lib/links/subjects.js';",
      "import { DEFAULT_CARO_SCHEDULE } from '../../workflows/caro-activation/contract.js';",
      'export const x = [renderTemplate, caroLinkSubject, DEFAULT_CARO_SCHEDULE];',
    ].join('\n');
    expect(await rulesFired(code, 'api/routes/boundary-probe.ts')).toEqual([]);
    expect(await rulesFired(code, 'activities/caro/boundary-probe.ts')).toEqual([]);
  });
});
