import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { startDevServer, type DevServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type Received, type WebhookReceiver } from '../helpers/webhook-receiver.js';

// Signed webhooks (issue 13), end to end: the real API registers endpoints, the real worker's
// delivery workflow on Temporal reads the events feed and POSTs each event to a real HTTP receiver
// in this process, which verifies every delivery with the standardwebhooks verifier. Retries run
// on a schedule of seconds. On the dev server: a worker stopped mid-delivery hands its workflow to
// the next one as a real server does (the time-skipping test server keeps it on the stopped
// worker's sticky queue).
let dev: DevServer;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let receiver: WebhookReceiver;
let officeId: string;
let accountant: string;
let outsider: string;
let otherOfficeId: string;

const SCHEDULE_MS = [1_000, 1_000, 1_000, 1_000];

beforeAll(async () => {
  dev = await startDevServer();
  temporal = dev.env;
  stack = await startTestStack(temporal, {
    webhooks: { retryScheduleMs: SCHEDULE_MS, pollMs: 100, policy: { publicOnly: false } },
  });
  receiver = await startWebhookReceiver();
  const office = (name: string) =>
    stack.http('POST', '/v1/offices', { name, language: 'nl', contactEmail: 'office@example.be' });
  officeId = (await office('Kantoor Webhooks')).body.id;
  otherOfficeId = (await office('Kantoor Anders')).body.id;
  accountant = await stack.key('accountant', officeId);
  outsider = await stack.key('accountant', otherOfficeId);
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
  await dev?.stop();
});

/** Registers an endpoint of the office at the receiver's `path`; its id and secret. */
async function register(path: string, extra: Record<string, unknown> = {}) {
  const res = await stack.http(
    'POST',
    '/v1/webhook-endpoints',
    { url: `${receiver.url}${path}`, description: path, ...extra },
    { key: accountant },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id as string, secret: res.body.secret as string };
}

/** A client of the office; `edits` changes its client code that many times (a client.updated event each). */
async function clientWithEdits(edits: number): Promise<string> {
  const created = await stack.http(
    'POST',
    '/v1/clients',
    { companyName: 'Brouwerij Haak', clientCode: `W-${randomUUID().slice(0, 8)}`, language: 'nl' },
    { key: accountant },
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  for (let i = 1; i <= edits; i++) {
    const edited = await stack.http(
      'PATCH',
      `/v1/clients/${created.body.id}`,
      { clientCode: `W-${randomUUID().slice(0, 8)}-${i}` },
      { key: accountant },
    );
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
  }
  return created.body.id as string;
}

const ofClient = (path: string, clientId: string) => receiver.at(path).filter((r) => r.json.subject?.id === clientId);
const until = (what: string, probe: () => boolean, timeoutMs = 20_000) =>
  waitFor(async () => (probe() ? true : undefined), what, timeoutMs);
const deliveries = async (id: string, key = accountant) => {
  const res = await stack.http('GET', `/v1/webhook-endpoints/${id}/deliveries?limit=200`, undefined, { key });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as { eventId: string; attempt: number; status: string; responseCode: number | null }[];
};
const endpoint = async (id: string) => (await stack.http('GET', `/v1/webhook-endpoints/${id}`)).body;

describe('webhook deliveries', () => {
  it('delivers each event of a case in sequence order, signed (standardwebhooks verifies), webhook-id = event id', async () => {
    const { id, secret } = await register('/ok');
    const clientId = await clientWithEdits(3);
    await until('three deliveries', () => ofClient('/ok', clientId).length >= 3);

    const got = ofClient('/ok', clientId);
    expect(got).toHaveLength(3);
    for (const r of got) {
      expect(receiver.verify(r, secret)).toMatchObject({ id: r.headers['webhook-id'], type: 'client.updated' });
      expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    }
    expect(got.map((r) => r.json.sequence)).toEqual([1, 2, 3]);
    expect(got[0]!.json).toMatchObject({ officeId, subject: { type: 'client', id: clientId }, clientId });
    // The payload is the event as the feed shows it.
    const feed = await stack.http('GET', `/v1/events?caseId=${clientId}`, undefined, { key: accountant });
    expect(got.map((r) => r.json)).toEqual(feed.body.data);
    expect(got.map((r) => r.body).join()).not.toContain('@');

    const attempts = await deliveries(id);
    expect(attempts.map((d) => [d.eventId, d.attempt, d.status, d.responseCode])).toEqual(
      got.map((r) => [r.json.id, 1, 'delivered', 200]),
    );
  });

  it('a receiver answering 500 three times then 200 gets the event delivered once, with the same webhook-id', async () => {
    receiver.on('/flaky', [500, 500, 500, 200]);
    const { id, secret } = await register('/flaky');
    const clientId = await clientWithEdits(1);
    await until('a 200', () => ofClient('/flaky', clientId).some((r) => r.status === 200));

    const got = ofClient('/flaky', clientId);
    expect(got.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of got) receiver.verify(r, secret);
    const attempts = await waitFor(async () => ((a) => (a.length === 4 ? a : undefined))(await deliveries(id)), '4');
    expect(attempts.map((d) => [d.attempt, d.status, d.responseCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'failed', 500],
      [4, 'delivered', 200],
    ]);
  });

  it('410 disables the endpoint and tells the office by e-mail', async () => {
    receiver.on('/gone', 410);
    const { id } = await register('/gone');
    const clientId = await clientWithEdits(2);
    await waitFor(async () => ((e) => (e.enabled ? undefined : e))(await endpoint(id)), 'disabled');
    expect(await endpoint(id)).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect(ofClient('/gone', clientId)).toHaveLength(1); // the second event is never sent
    const mail = await waitFor(
      () =>
        stack.db.prisma.emailOutbox
          .findFirst({ where: { idempotencyKey: { startsWith: `webhook-endpoint:${id}/disabled/` }, status: 'sent' } })
          .then((m) => m ?? undefined),
      'the e-mail',
    );
    expect(mail).toMatchObject({ toAddress: 'office@example.be', status: 'sent' });
    expect(mail.text).toContain(`${receiver.url}/gone`);
  });

  it('a spent retry schedule disables the endpoint; enabled again it resumes, and redelivers on demand', async () => {
    receiver.on('/down', 503);
    const { id, secret } = await register('/down');
    const clientId = await clientWithEdits(1);
    await waitFor(async () => ((e) => (e.enabled ? undefined : e))(await endpoint(id)), 'disabled', 30_000);
    expect(await endpoint(id)).toMatchObject({ disabledReason: 'failing' });
    expect(ofClient('/down', clientId)).toHaveLength(SCHEDULE_MS.length + 1);
    const redeliverWhileDisabled = await stack.http(
      'POST',
      `/v1/webhook-endpoints/${id}/deliveries/redeliver`,
      { failedSince: new Date(Date.now() - 60_000).toISOString() },
      { key: accountant },
    );
    expect(redeliverWhileDisabled.status).toBe(409);

    receiver.on('/down', 200);
    const enabled = await stack.http('PATCH', `/v1/webhook-endpoints/${id}`, { enabled: true }, { key: accountant });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
    await until('resumed', () => ofClient('/down', clientId).some((r) => r.status === 200));

    const eventId = ofClient('/down', clientId)[0]!.json.id as string;
    const again = await stack.http(
      'POST',
      `/v1/webhook-endpoints/${id}/deliveries/redeliver`,
      { eventId },
      { key: accountant },
    );
    expect(again.status).toBe(202);
    expect(again.body.eventIds).toEqual([eventId]);
    await until('redelivered', () => ofClient('/down', clientId).filter((r) => r.status === 200).length === 2);
    const last = ofClient('/down', clientId).at(-1)!;
    expect(last.headers['webhook-id']).toBe(eventId);
    receiver.verify(last, secret);
  });

  it('failedSince redelivers the events whose last attempt since then failed, not those delivered after', async () => {
    const { id } = await register('/since');
    const clientId = await clientWithEdits(2);
    await until('both delivered', () => ofClient('/since', clientId).length === 2);
    const [first, second] = ofClient('/since', clientId).map((r) => r.json.id as string);
    const since = new Date();
    // Later attempts: the first event's last one failed, the second's failed and then went.
    const attempt = (eventId: string, status: string, n: number) =>
      stack.db.prisma.webhookDelivery.create({
        data: { endpointId: id, eventId, eventType: 'client.updated', attempt: n, status, responseCode: 500 },
      });
    await attempt(first!, 'failed', 2);
    await attempt(second!, 'failed', 2);
    await attempt(second!, 'delivered', 3);
    const res = await stack.http(
      'POST',
      `/v1/webhook-endpoints/${id}/deliveries/redeliver`,
      { failedSince: since.toISOString() },
      { key: accountant },
    );
    expect(res.status).toBe(202);
    expect(res.body.eventIds).toEqual([first]);
    await until('redelivered', () => ofClient('/since', clientId).length === 3);
    expect(ofClient('/since', clientId)[2]!.headers['webhook-id']).toBe(first);
  });

  it('a worker stopped mid-delivery loses nothing: another worker delivers it again with the same webhook-id', async () => {
    receiver.on('/hold', 'hold');
    const { id, secret } = await register('/hold');
    const clientId = await clientWithEdits(2);
    await until('the first request held', () => ofClient('/hold', clientId).length === 1);
    await stack.restartWorker();
    await until(
      'both events delivered',
      () => ofClient('/hold', clientId).filter((r) => r.status === 200).length === 2,
    );

    const got = ofClient('/hold', clientId);
    expect(got[0]!.status).toBe('held');
    expect(got[1]!.headers['webhook-id']).toBe(got[0]!.headers['webhook-id']);
    expect(got.filter((r) => r.status === 200).map((r) => r.json.sequence)).toEqual([1, 2]);
    for (const r of got) receiver.verify(r, secret);
    const attempts = await deliveries(id);
    expect(attempts.filter((d) => d.status === 'delivered')).toHaveLength(2);
  });

  it('a rotated secret: both signatures during the overlap, each verifies', async () => {
    const { id, secret: old } = await register('/rotate');
    const rotated = await stack.http('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, undefined, {
      key: accountant,
    });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const clientId = await clientWithEdits(1);
    await until('delivered', () => ofClient('/rotate', clientId).length === 1);
    const r: Received = ofClient('/rotate', clientId)[0]!;
    expect(r.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    receiver.verify(r, old);
    receiver.verify(r, fresh);
    // Never shown again, and kept sealed: the row holds neither secret.
    expect(JSON.stringify(await endpoint(id))).not.toContain('whsec_');
    const row = await stack.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.previousSecret).toMatch(/^enc:v1:/);
    const stored = `${row.secret} ${row.previousSecret}`;
    expect(stored).not.toContain(fresh.slice(6, 30));
    expect(stored).not.toContain(old.slice(6, 30));
  });

  it('only the event types asked for; the sandbox sends a signed test event', async () => {
    const { id, secret } = await register('/typed', { eventTypes: ['mandate.active'] });
    const clientId = await clientWithEdits(1);
    // The endpoint's cursor passes the client's event without sending it.
    const { seq } = await stack.db.prisma.event.findFirstOrThrow({ where: { subjectId: clientId } });
    await waitFor(
      () =>
        stack.db.prisma.webhookEndpoint
          .findUniqueOrThrow({ where: { id } })
          .then((e) => (e.cursor >= seq ? true : undefined)),
      'the cursor past the event',
    );
    const test = await stack.http('POST', `/v1/sandbox/webhook-endpoints/${id}/test`, undefined, { key: accountant });
    expect(test.body).toMatchObject({ status: 'delivered', responseCode: 200 });
    const got = receiver.at('/typed');
    expect(got.map((r) => r.json.type)).toEqual(['webhook.test']);
    expect(receiver.verify(got[0]!, secret)).toMatchObject({ id: test.body.eventId });
    expect(ofClient('/typed', clientId)).toEqual([]);
  });
});

describe('webhook endpoints: who may', () => {
  it('an accountant cannot register for another office nor see its endpoints or deliveries', async () => {
    const theirs = await stack.http(
      'POST',
      '/v1/webhook-endpoints',
      { officeId, url: `${receiver.url}/x` },
      { key: outsider },
    );
    expect(theirs.status).toBe(404);
    expect(theirs.body.errors[0]).toMatchObject({ path: 'officeId' });
    const { id } = await register('/private');
    for (const path of [`/v1/webhook-endpoints/${id}`, `/v1/webhook-endpoints/${id}/deliveries`])
      expect((await stack.http('GET', path, undefined, { key: outsider })).status).toBe(404);
    expect(
      (await stack.http('PATCH', `/v1/webhook-endpoints/${id}`, { enabled: false }, { key: outsider })).status,
    ).toBe(404);
    expect((await stack.http('DELETE', `/v1/webhook-endpoints/${id}`, undefined, { key: outsider })).status).toBe(404);
    const listed = await stack.http('GET', '/v1/webhook-endpoints?limit=200', undefined, { key: outsider });
    expect(listed.body.data).toEqual([]);
    const mine = await stack.http('GET', '/v1/webhook-endpoints?limit=200', undefined, { key: accountant });
    expect(mine.body.data.map((e: { id: string }) => e.id)).toContain(id);
    expect(JSON.stringify(mine.body)).not.toContain('whsec_');
    // An operator registers for any office, and must name it.
    const op = await stack.http('POST', '/v1/webhook-endpoints', { url: `${receiver.url}/op` });
    expect(op.status).toBe(400);
    expect(op.body.errors[0]).toMatchObject({ path: 'officeId' });
    const forOther = await stack.http('POST', '/v1/webhook-endpoints', {
      officeId: otherOfficeId,
      url: `${receiver.url}/op`,
    });
    expect(forOther.status).toBe(201);
    expect((await stack.http('DELETE', `/v1/webhook-endpoints/${forOther.body.id}`)).status).toBe(204);
    expect((await stack.http('GET', `/v1/webhook-endpoints/${forOther.body.id}`)).status).toBe(404);
  });

  it('names the offending field of a bad body', async () => {
    const bad = await stack.http('POST', '/v1/webhook-endpoints', { url: 'not a url' }, { key: accountant });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain('url');
    const badType = await stack.http(
      'POST',
      '/v1/webhook-endpoints',
      { url: `${receiver.url}/x`, eventTypes: ['nope'] },
      { key: accountant },
    );
    expect(badType.status).toBe(400);
    expect(badType.body.errors[0].path).toMatch(/^eventTypes/);
  });
});

describe('webhook targets in production', () => {
  it('refuses http and loopback, private, link-local and metadata addresses, IPv4 and IPv6', async () => {
    const prod = await startTestStack(temporal, {
      webhookTargetPolicy: { publicOnly: true },
      webhooks: { retryScheduleMs: [60_000], pollMs: 100, policy: { publicOnly: true } },
    });
    try {
      const office = await prod.http('POST', '/v1/offices', {
        name: 'Prod',
        language: 'en',
        contactEmail: 'o@example.be',
      });
      for (const url of [
        'http://93.184.216.34/hook',
        'https://127.0.0.1/hook',
        'https://localhost/hook',
        'https://10.0.0.8/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://100.64.1.1/hook',
        'https://[::1]/hook',
        'https://[fd00:ec2::254]/hook',
        'https://[::ffff:192.168.0.1]/hook',
      ]) {
        const res = await prod.http('POST', '/v1/webhook-endpoints', { officeId: office.body.id, url });
        expect(res.status, url).toBe(422);
        expect(res.body).toMatchObject({ code: 'webhook_target_refused', errors: [{ path: 'url' }] });
      }
      // The worker checks again at each attempt: an endpoint whose name now resolves to loopback is refused.
      const endpoint = await prod.db.prisma.webhookEndpoint.create({
        data: { officeId: office.body.id, url: 'https://localhost/hook', secret: 'whsec_AAAA', cursor: 0n },
      });
      await prod.http('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { description: 'wake' });
      const client = await prod.http('POST', '/v1/clients', {
        officeId: office.body.id,
        companyName: 'Prod BV',
        clientCode: 'P-1',
        language: 'en',
      });
      await prod.http('PATCH', `/v1/clients/${client.body.id}`, { clientCode: 'P-2' });
      const refused = await waitFor(async () => {
        const res = await prod.http('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
        return res.body.data.length ? res.body.data : undefined;
      }, 'an attempt');
      expect(refused[0]).toMatchObject({ status: 'refused', responseCode: null });
      expect(refused[0].error).toMatch(/loopback, private/);
    } finally {
      await prod.stop();
    }
  });
});
