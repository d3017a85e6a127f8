import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createConnectionActivities } from '../../activities/connections/activities.js';
import {
  consentRenewalWorkflowId,
  consentRenewedSignal,
  consentStateQuery,
  DEFAULT_CONSENT_SCHEDULE,
} from '../../workflows/consent-renewal/contract.js';
import type { consentRenewalWorkflow } from '../../workflows/consent-renewal/workflow.js';
import { productBundle } from '../helpers/workflow-bundle.js';
import { startDevServer, type DevServer } from '../helpers/temporal.js';

// On the dev server (the real server): the time-skipping test server does not reliably answer
// queries to a run that continued-as-new. No time passes here, so none needs skipping.
/** The consent workflow's activities (the worker registers every journey's; this test runs only this one). */
type Activities = ReturnType<typeof createConnectionActivities>;
const DAY = 86_400_000;
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('consent renewal workflow over many renewals', () => {
  it('takes 20 renewals in a row, one short run each (continue-as-new), sending nothing early', async () => {
    const called: string[] = [];
    const activities: Activities = {
      async applyConnectionStatus() {
        called.push('applyConnectionStatus');
        return { applied: true, status: 'connected' };
      },
      async sendConsentReminder() {
        called.push('sendConsentReminder');
        return { sent: true };
      },
      async sendConnectionInvitation() {
        called.push('sendConnectionInvitation');
        return { sent: true };
      },
      async markConsentExpired() {
        called.push('markConsentExpired');
        return { expired: true };
      },
    };
    const taskQueue = `many-${Date.now()}`;
    const workflowBundle = await productBundle();
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      taskQueue,
      workflowBundle,
      activities,
    });
    const client = server.env.client;
    let validUntil = new Date(Date.now() + 90 * DAY).toISOString();
    await worker.runUntil(async () => {
      const handle = await client.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
        workflowId: consentRenewalWorkflowId(`c-many-${taskQueue}`),
        taskQueue,
        args: [{ connectionId: 'c-many', validUntil, schedule: DEFAULT_CONSENT_SCHEDULE }],
      });
      const runIds = new Set<string>([(await handle.describe()).runId]);
      for (let renewal = 1; renewal <= 20; renewal++) {
        validUntil = new Date(Date.parse(validUntil) + 90 * DAY).toISOString();
        await handle.signal(consentRenewedSignal, { validUntil });
        let state = await handle.query(consentStateQuery);
        for (let attempt = 0; state.renewals < renewal && attempt < 200; attempt++)
          state = await handle.query(consentStateQuery);
        expect(state).toMatchObject({ renewals: renewal, validUntil, phase: 'waiting' });
        const description = await handle.describe();
        runIds.add(description.runId);
        expect(description.historyLength).toBeLessThan(20);
      }
      expect(runIds.size).toBe(21);
      await handle.terminate('test done');
    });
    // Each renewal only lifts the deadline's statuses on the row: no e-mail, no expiry.
    expect(called).toEqual(Array.from({ length: 20 }, () => 'applyConnectionStatus'));
  });
});
