/**
 * Records the histories replayed by tests/workflows/replay-days.test.ts, with the workflow code of
 * a given checkout: the schedules in whole days, as workflows started before they took durations.
 * Activities are stubs; the time-skipping server runs each journey to its end (or 60 days).
 *
 *   mkdir .old-code && git archive 99aea6a workflows | tar -x -C .old-code
 *   npx tsx tests/workflows/histories/record.ts .old-code/workflows/index.ts
 */
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolve } from 'node:path';
import { resolveTestServer } from '../../../lib/temporal-binaries.js';

const DAY = 86_400_000;
const out = new URL('./', import.meta.url);
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

const path = resolveTestServer();
const env = await TestWorkflowEnvironment.createTimeSkipping(
  path ? { server: { executable: { type: 'existing-path', path } } } : {},
);
const workflowBundle = await bundleWorkflowCode({
  workflowsPath: resolve(process.argv[2] ?? 'workflows/index.ts'),
  logger: silent,
});
const ok = async () => ({ sent: true });
const activities = {
  sendCaroInvitation: ok,
  sendCaroReminder: ok,
  activateCaroOrder: async () => ({ confirmed: true }),
  recordCaroProblem: async () => ({ officeNotified: true }),
  closeCaroOrder: async () => ({ purged: 1 }),
  prepareMandate: async () => undefined,
  mirrorMandateState: async () => ({ applied: true }),
  flagBankLinkMissing: async () => undefined,
  sendMandateInvitation: ok,
  sendMandateReminder: ok,
  notifyMandateStalled: ok,
  sendConsentReminder: ok,
  sendConnectionInvitation: ok,
  markConsentExpired: async () => ({ expired: true }),
};
const taskQueue = 'record';
const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });

async function record(name: string, type: string, workflowId: string, input: unknown, runForMs: number) {
  const handle = await env.client.workflow.start(type, { workflowId, taskQueue, args: [input] });
  await handle.query(
    type === 'consentRenewalWorkflow' ? 'consentState' : type === 'mandateWorkflow' ? 'mandateStatus' : 'caroState',
  );
  await env.sleep(runForMs);
  const description = await handle.describe();
  if (description.status.name === 'RUNNING') await handle.terminate('recorded');
  // Binary protobuf: the SDK's JSON reader (historyFromJSON) fails on this install's two protobufjs copies.
  const history = await handle.fetchHistory();
  await writeFile(new URL(`${name}.binpb`, out), proto.temporal.api.history.v1.History.encode(history).finish());
  console.log(name, description.status.name, history.events?.length);
}

await worker.runUntil(async () => {
  await record(
    'caro-activation-days',
    'caroActivationWorkflow',
    'caro:00000000-0000-7000-8000-00000000d001',
    {
      orderId: '00000000-0000-7000-8000-00000000d001',
      channel: 'link',
      schedule: { reminderDays: [14, 28, 42], expiryDays: 56 },
      actor: { kind: 'api-key', id: 'key-1', role: 'accountant' },
    },
    60 * DAY,
  );
  await record(
    'mandate-esign-service-days',
    'mandateWorkflow',
    'mandate:00000000-0000-7000-8000-00000000d002',
    {
      mandateId: '00000000-0000-7000-8000-00000000d002',
      path: 'esign',
      mode: 'service',
      schedule: { reminderDays: [14, 28, 42], stalledAfterDays: 56, bankLinkIssueAfterDays: 7 },
    },
    60 * DAY,
  );
  await record(
    'mandate-bank-link-office-days',
    'mandateWorkflow',
    'mandate:00000000-0000-7000-8000-00000000d003',
    {
      mandateId: '00000000-0000-7000-8000-00000000d003',
      path: 'bank_link',
      mode: 'office',
      schedule: { reminderDays: [14, 28, 42], stalledAfterDays: 56, bankLinkIssueAfterDays: 7 },
    },
    10 * DAY,
  );
  await record(
    'consent-renewal-days',
    'consentRenewalWorkflow',
    'connection:00000000-0000-7000-8000-00000000d004',
    {
      connectionId: '00000000-0000-7000-8000-00000000d004',
      validUntil: new Date(((await env.currentTimeMs()) as number) + 30 * DAY).toISOString(),
      schedule: { reminderDaysBefore: [15, 3, 1], localTime: '09:00', timeZone: 'Europe/Brussels' },
    },
    31 * DAY,
  );
});
await env.teardown();
