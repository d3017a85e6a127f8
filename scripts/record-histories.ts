/**
 * `npm run histories:record`: records the workflow histories that tests/replay/replay.test.ts
 * replays, so a change to a workflow that would break the runs already in production fails CI.
 *
 * Each journey runs on the time-skipping test server with the real worker, activities, API and
 * an embedded database (tests/helpers/stack.ts), driven over HTTP and webhooks as in production,
 * and its history is saved at a point as tests/replay/histories/<journey>-<point>.json. Most
 * points are cut while the workflow sleeps (a deploy meets those); a few are completed runs.
 * Saving never overwrites: an existing file is kept (it was recorded by older code, which is the
 * point), unless `--overwrite` is given. Addresses are example.be ones; histories carry ids only.
 * `--only=<journey>` (mandate, caro, caro-replay, consent, webhook-endpoint) records that one alone.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as prettier from 'prettier';
import { provisionTemporalBinaries } from '../lib/temporal-binaries.js';
import { startTestStack, type TestStack } from '../tests/helpers/stack.js';
import { createTimeSkippingEnv } from '../tests/helpers/temporal.js';
import { waitFor } from '../tests/helpers/wait.js';
import { startWebhookReceiver } from '../tests/helpers/webhook-receiver.js';
import { historyToJSON } from '../tests/replay/history-json.js';

type HistoryEvent = NonNullable<History['events']>[number];

const DAY = 86_400_000;
const OUT_DIR = fileURLToPath(new URL('../tests/replay/histories/', import.meta.url));
const overwrite = process.argv.includes('--overwrite');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const recording = (journey: string) => only === undefined || only === journey;
const ING_IBAN = 'BE35 3101 2345 6737';
const KBC_IBAN = 'BE09 7341 2345 6757';
const OTHER_IBAN = 'BE68 5390 0754 7034';

let officeId: string;
const saved: string[] = [];

// --- saving ------------------------------------------------------------------------------------

const isWorkflowTask = (e: HistoryEvent) =>
  Boolean(
    e.workflowTaskScheduledEventAttributes ||
    e.workflowTaskStartedEventAttributes ||
    e.workflowTaskCompletedEventAttributes ||
    e.workflowTaskFailedEventAttributes ||
    e.workflowTaskTimedOutEventAttributes,
  );
const activitiesOpen = (events: HistoryEvent[]) =>
  events.filter((e) => e.activityTaskScheduledEventAttributes).length -
  events.filter(
    (e) =>
      e.activityTaskCompletedEventAttributes ||
      e.activityTaskFailedEventAttributes ||
      e.activityTaskTimedOutEventAttributes ||
      e.activityTaskCanceledEventAttributes,
  ).length;
const isClosing = (e: HistoryEvent | undefined) =>
  Boolean(
    e?.workflowExecutionCompletedEventAttributes ||
    e?.workflowExecutionFailedEventAttributes ||
    e?.workflowExecutionContinuedAsNewEventAttributes ||
    e?.workflowExecutionTerminatedEventAttributes,
  );

/**
 * The history once the workflow is at rest: closed, or its last workflow task completed with no
 * activity in flight (it sleeps or waits for a signal), which is what a deploy finds.
 */
async function atRest(handle: WorkflowHandle) {
  return waitFor(async () => {
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    if (isClosing(events.at(-1))) return history;
    const lastTask = events.filter(isWorkflowTask).at(-1);
    return lastTask?.workflowTaskCompletedEventAttributes && activitiesOpen(events) === 0 ? history : undefined;
  }, `workflow ${handle.workflowId} at rest`);
}

async function save(name: string, workflowId: string, runId?: string): Promise<void> {
  const handle = temporal.client.workflow.getHandle(workflowId, runId);
  const history = await atRest(handle);
  const file = join(OUT_DIR, `${name}.json`);
  saved.push(name);
  if (existsSync(file) && !overwrite) return console.log(`kept     ${name}.json (recorded earlier)`);
  const text = await prettier.format(historyToJSON(history), {
    ...(await prettier.resolveConfig(file)),
    filepath: file,
  });
  await writeFile(file, text);
  console.log(`recorded ${name}.json (${history.events?.length ?? 0} events)`);
}

/** A running workflow whose points are all saved: stopped, so later time skips cost nothing. */
const done = (workflowId: string) => temporal.client.workflow.getHandle(workflowId).terminate('recorded');

// --- driving the API ---------------------------------------------------------------------------

async function http(method: string, path: string, body?: unknown, key?: string) {
  const res = await stack.http(method, path, body, key === undefined ? {} : { key });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
async function webhook(provider: string, type: string, data: Record<string, unknown>) {
  const event = { eventId: `evt-${randomUUID()}`, type, occurredAt: new Date().toISOString(), data };
  const res = await stack.webhook(provider, event);
  if (res.status !== 202) throw new Error(`webhook ${type}: ${res.status} ${JSON.stringify(res.body)}`);
}
const until = <T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean) =>
  waitFor(async () => ((value) => (ok(value) ? value : undefined))(await probe()), what);

async function bankAccount(iban: string, email: string) {
  const client = await http('POST', '/v1/clients', {
    officeId,
    companyName: 'Brasserie Voorbeeld',
    clientCode: `C-${randomUUID().slice(0, 8)}`,
    email,
    language: 'nl',
  });
  const account = await http('POST', `/v1/clients/${client.id}/bank-accounts`, { iban });
  return { clientId: client.id as string, accountId: account.id as string };
}

// --- mandate -----------------------------------------------------------------------------------

async function recordMandates() {
  const order = async (iban: string) => {
    const account = await bankAccount(iban, 'client@example.be');
    const res = await http('POST', '/v1/mandates', { bankAccountIds: [account.accountId], managementMode: 'service' });
    return { ...account, ...(res.data[0].mandate as { id: string; workflowId: string }) };
  };
  // The detail (database) with the workflow's live view as `workflow`.
  const mandate = async (id: string) => ({
    ...(await http('GET', `/v1/mandates/${id}`)),
    workflow: await http('GET', `/v1/mandates/${id}/workflow`),
  });

  // Problem then resolved; then archived.
  const troubled = await order(ING_IBAN);
  await until(
    'invitation',
    () => mandate(troubled.id),
    (m) => m.status === 'sent_to_client',
  );
  await http('POST', `/v1/mandates/${troubled.id}/problem`, { reason: 'wrong_enterprise_number' });
  await save('mandate-problem', troubled.workflowId);
  await http('POST', `/v1/mandates/${troubled.id}/problem/resolve`);
  await until(
    'presented again',
    () => mandate(troubled.id),
    (m) => m.revision === 2 && m.status === 'sent_to_client',
  );
  await save('mandate-problem-resolved', troubled.workflowId);
  await http('POST', `/v1/mandates/${troubled.id}/archive`, { reason: 'client left the office' });
  await save('mandate-archived', troubled.workflowId);

  // Reminders on days 14 and 28, a client edit presenting it again, then signed and active.
  const esign = await order(ING_IBAN);
  // KBC: the bank-app link, flagged after 7 days, then linked and accepted.
  const kbc = await order(KBC_IBAN);
  // Never signed: three reminders and the stalled notice to the office.
  const stalled = await order(ING_IBAN);
  for (const m of [esign, kbc, stalled]) {
    await until(
      'presented',
      () => mandate(m.id),
      (s) => ['sent_to_client', 'awaiting_bank_link'].includes(s.status),
    );
  }
  await temporal.sleep(8 * DAY);
  await until(
    'bank link flagged',
    () => mandate(kbc.id),
    (m) => m.workflow.state.bankLinkIssueAt !== null,
  );
  await save('mandate-bank-link-flagged', kbc.workflowId);
  await webhook('banklink', 'bank.link_created', { mandateId: kbc.id });
  await webhook('banklink', 'bank.mandate_accepted', { mandateId: kbc.id });
  await until(
    'active',
    () => mandate(kbc.id),
    (m) => m.status === 'active',
  );
  await save('mandate-bank-link-active', kbc.workflowId);

  await temporal.sleep(21 * DAY);
  await until(
    'two reminders',
    () => mandate(esign.id),
    (m) => m.reminderCount === 2,
  );
  await save('mandate-reminders-sent', esign.workflowId);
  await http('PATCH', `/v1/clients/${esign.clientId}`, { enterpriseNumber: '0403.170.701' });
  await until(
    'presented again',
    () => mandate(esign.id),
    (m) => m.revision === 2 && m.status === 'sent_to_client',
  );
  await save('mandate-client-edit', esign.workflowId);
  await webhook('esign', 'mandate.signed', { mandateId: esign.id, revision: 2 });
  await webhook('banklink', 'bank.mandate_accepted', { mandateId: esign.id });
  await until(
    'active',
    () => mandate(esign.id),
    (m) => m.status === 'active' && m.workflow.status === 'COMPLETED',
  );
  await save('mandate-signed-active', esign.workflowId);

  await temporal.sleep(28 * DAY);
  await until(
    'stalled notice',
    () => mandate(stalled.id),
    (m) => m.workflow.state.stalledNoticeAt !== null,
  );
  await save('mandate-stalled', stalled.workflowId);
  await done(stalled.workflowId);
}

// --- CARO --------------------------------------------------------------------------------------

async function recordCaro(supportKey: string) {
  const order = async () => {
    const { clientId, accountId } = await bankAccount(OTHER_IBAN, 'client@example.be');
    const res = await http('POST', '/v1/caro-orders', {
      orders: [
        {
          clientId,
          bankAccountId: accountId,
          clientReference: `REF-${randomUUID().slice(0, 8)}`,
          cardholderEmail: 'holder@example.be',
          cardholderLanguage: 'nl',
        },
      ],
    });
    const id = res.data[0].id as string;
    await until(
      'invitation',
      () => caro(id),
      (o) => o.workflow.state?.status === 'invitation_sent',
    );
    return { id, workflowId: `caro:${id}` };
  };
  const caro = async (id: string) => ({
    ...(await http('GET', `/v1/caro-orders/${id}`)),
    workflow: await http('GET', `/v1/caro-orders/${id}/workflow`),
  });
  const status = (id: string, wanted: string, linkVersion = 1) =>
    until(
      wanted,
      () => caro(id),
      (o) => o.workflow.state?.status === wanted && o.workflow.state.linkVersion === linkVersion,
    );

  // A failed activation replayed by support, then activated.
  const replayed = await order();
  await webhook('caro', 'caro.activation_failed', { orderId: replayed.id, reason: 'technical_or_data_error' });
  await status(replayed.id, 'problem');
  await save('caro-problem', replayed.workflowId);
  await http('POST', `/v1/caro-orders/${replayed.id}/replay`, { dryRun: false }, supportKey);
  await status(replayed.id, 'invitation_sent', 2);
  await save('caro-problem-replayed', replayed.workflowId);
  await webhook('caro', 'caro.activated', { orderId: replayed.id });
  await status(replayed.id, 'active', 2);
  await save('caro-replayed-active', replayed.workflowId);

  // A failed activation the cardholder retries with the same link.
  const retried = await order();
  await webhook('caro', 'caro.activation_failed', { orderId: retried.id, reason: 'online_payments_disabled' });
  await status(retried.id, 'problem');
  await webhook('caro', 'caro.activated', { orderId: retried.id });
  await status(retried.id, 'active');
  await save('caro-problem-retried-active', retried.workflowId);

  // Resent by the accountant, then cancelled.
  const resent = await order();
  await http('POST', `/v1/caro-orders/${resent.id}/resend`);
  await status(resent.id, 'invitation_sent', 2);
  await save('caro-resent', resent.workflowId);
  await http('POST', `/v1/caro-orders/${resent.id}/cancel`);
  await status(resent.id, 'cancelled', 2);
  await save('caro-cancelled', resent.workflowId);

  // Reminders on days 14 and 28, then the third and the expiry on day 56.
  const waiting = await order();
  await temporal.sleep(29 * DAY);
  await until(
    'two reminders',
    () => caro(waiting.id),
    (o) => o.workflow.state?.reminders.length === 2,
  );
  await save('caro-reminders-sent', waiting.workflowId);
  await temporal.sleep(28 * DAY);
  await status(waiting.id, 'invitation_expired');
  await save('caro-expired', waiting.workflowId);

  for (const o of [replayed, retried, resent, waiting]) await done(o.workflowId);
}

// --- consent -----------------------------------------------------------------------------------

async function recordConsent() {
  const register = async (validUntil: Date) => {
    const res = await http('POST', '/v1/connections', {
      officeId,
      provider: 'ponto',
      ownerEmail: 'owner@example.be',
      ownerLanguage: 'nl',
      ibans: [OTHER_IBAN],
      validUntil: validUntil.toISOString(),
    });
    return res as { id: string; workflowId: string };
  };
  const connection = (id: string) => http('GET', `/v1/connections/${id}`);
  const now = (await temporal.currentTimeMs()) as number;

  const renewed = await register(new Date(now + 20 * DAY));
  // The API allows "remind now" within 15 days of the deadline, on its own clock: recorded first,
  // before any time skip puts the workflows' clock ahead of it.
  const expiring = await register(new Date(now + 10 * DAY));
  await until(
    'waiting',
    () => connection(expiring.id),
    (c) => c.workflow.state?.phase === 'waiting',
  );
  const remind = await http('POST', `/v1/connections/${expiring.id}/remind`);
  if (!remind.sentAt) throw new Error(`manual reminder not sent: ${JSON.stringify(remind)}`);
  await save('consent-manual-remind', expiring.workflowId);

  await temporal.sleep(18 * DAY); // past the 15- and 3-day reminders of the one, the deadline of the other
  await until(
    'two reminders',
    () => connection(renewed.id),
    (c) => c.workflow.state?.remindersSent.length === 2,
  );
  await save('consent-reminders-sent', renewed.workflowId);
  const firstRun = (await temporal.client.workflow.getHandle(renewed.workflowId).describe()).runId;
  await webhook('aggregator', 'consent.renewed', {
    connectionId: renewed.id,
    validUntil: new Date(now + 200 * DAY).toISOString(),
  });
  await until(
    'the next run',
    () => connection(renewed.id),
    (c) => c.workflow.state?.renewals === 1,
  );
  await save('consent-renewed', renewed.workflowId, firstRun);
  await save('consent-renewed-next-run', renewed.workflowId);

  await until(
    'expired',
    () => connection(expiring.id),
    (c) => c.workflow.status === 'COMPLETED',
  );
  await save('consent-expired', expiring.workflowId);
  await done(renewed.workflowId);
}

// --- webhook endpoints -------------------------------------------------------------------------

async function recordWebhookEndpoints() {
  const receiver = await startWebhookReceiver();
  try {
    receiver.on('/retried', [500, 200]);
    receiver.on('/gone', 410);
    const endpoint = async (path: string) =>
      (await http('POST', '/v1/webhook-endpoints', { officeId, url: `${receiver.url}${path}` })) as { id: string };
    const workflowId = (id: string) => `webhook-endpoint:${id}`;
    const client = (await http('POST', '/v1/clients', {
      officeId,
      companyName: 'Webhook SRL',
      clientCode: `WH-${randomUUID().slice(0, 8)}`,
      language: 'fr',
    })) as { id: string };
    const edit = () => http('PATCH', `/v1/clients/${client.id}`, { clientCode: `WH-${randomUUID().slice(0, 8)}` });
    const delivered = (path: string, n: number) =>
      until(
        `${n} delivered to ${path}`,
        async () => receiver.at(path).filter((r) => r.status === 200).length,
        (count) => count >= n,
      );

    const retried = await endpoint('/retried');
    const gone = await endpoint('/gone');
    await edit();
    await edit();
    await delivered('/retried', 2);
    await save('webhook-endpoint-retried', workflowId(retried.id));
    await http('POST', `/v1/webhook-endpoints/${retried.id}/deliveries/redeliver`, {
      eventId: receiver.at('/retried')[0]!.json.id,
    });
    await delivered('/retried', 3);
    await save('webhook-endpoint-redelivered', workflowId(retried.id));
    await until(
      'disabled by 410',
      () => http('GET', `/v1/webhook-endpoints/${gone.id}`),
      (e) => e.enabled === false,
    );
    await save('webhook-endpoint-gone', workflowId(gone.id));
    await http('DELETE', `/v1/webhook-endpoints/${retried.id}`);
    await save('webhook-endpoint-deleted', workflowId(retried.id));
    await done(workflowId(gone.id));
  } finally {
    await receiver.close();
  }
}

// --- CARO bulk replay -------------------------------------------------------------------------

/** Support's bulk replay of two failed activations, one case a chunk with a pause between: the finished run. */
async function recordCaroReplay(supportKey: string) {
  for (const n of [1, 2]) {
    const account = await bankAccount(OTHER_IBAN, `client${n}@example.be`);
    const res = await http('POST', '/v1/caro-orders', {
      orders: [
        {
          clientId: account.clientId,
          bankAccountId: account.accountId,
          clientReference: `REF-${randomUUID().slice(0, 8)}`,
          cardholderEmail: `holder${n}@example.be`,
          cardholderLanguage: 'nl',
        },
      ],
    });
    const id = res.data[0].id as string;
    await until(
      'invitation sent',
      () => http('GET', `/v1/caro-orders/${id}`),
      (o) => o.status === 'invitation_sent',
    );
    await webhook('caro', 'caro.activation_failed', { orderId: id, reason: 'debit_card' });
    await until(
      'problem',
      () => http('GET', `/v1/caro-orders/${id}`),
      (o) => o.status === 'problem',
    );
  }
  const batch = await http('POST', '/v1/caro-replays', { reason: 'debit_card', officeId }, supportKey);
  await http('POST', `/v1/caro-replays/${batch.id}/start`, undefined, supportKey);
  await until(
    'batch done',
    () => http('GET', `/v1/caro-replays/${batch.id}`, undefined, supportKey),
    (b) => b.status === 'done',
  );
  await save('caro-replay-done', batch.workflowId as string);
}

// --- main --------------------------------------------------------------------------------------

const binaries = await provisionTemporalBinaries({ log: (line) => console.log(`[temporal] ${line}`) });
process.env.TEMPORAL_TEST_SERVER_PATH ??= binaries.testServer;
await mkdir(OUT_DIR, { recursive: true });
const temporal: TestWorkflowEnvironment = await createTimeSkippingEnv();
const stack: TestStack = await startTestStack(temporal, {
  webhooks: { retryScheduleMs: [1_000, 1_000], pollMs: 200, policy: { publicOnly: false } },
  caroReplay: { chunkSize: 1, pauseMs: 100 },
});
try {
  officeId = (
    await http('POST', '/v1/offices', { name: 'Fiduciaire Exemple', language: 'fr', contactEmail: 'office@example.be' })
  ).id;
  if (recording('consent')) await recordConsent();
  if (recording('mandate')) await recordMandates();
  if (recording('caro')) await recordCaro(await stack.key('support'));
  if (recording('caro-replay')) await recordCaroReplay(await stack.key('support'));
  if (recording('webhook-endpoint')) await recordWebhookEndpoints();
  console.log(`${saved.length} histories in ${OUT_DIR}`);
} finally {
  await stack.stop();
  await temporal.teardown();
}
