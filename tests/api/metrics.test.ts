// GET /metrics on the API: Prometheus' text format (parsed by a library), HTTP requests by route
// pattern, and the journeys' metrics read from the database moving as a mandate is walked to active.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetrics, sample } from '../helpers/prometheus.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

let temporal: TestWorkflowEnvironment;
let stack: TestStack;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const scrape = async () => {
  const res = await fetch(`${stack.api.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
};
const ok = async (method: string, path: string, body?: unknown) => {
  const res = await stack.http(method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
};
const statusOf = async (id: string) =>
  ((await stack.http('GET', `/v1/mandates/${id}`)).body as { status: string }).status;

describe('GET /metrics (API)', () => {
  it('counts requests by route pattern and moves the journey metrics as a mandate is walked to active', async () => {
    const before = await scrape();
    expect(before.map((f) => f.name)).toEqual(
      expect.arrayContaining(['process_resident_memory_bytes', 'bankfeed_http_requests_total', 'bankfeed_cases']),
    );
    const activeBefore = sample(before, 'bankfeed_cases', { journey: 'mandate', status: 'active' });
    const enteredActiveBefore = sample(before, 'bankfeed_case_transitions_total', {
      journey: 'mandate',
      to_state: 'active',
    });

    const office = await ok('POST', '/v1/offices', { name: 'Metrics', language: 'nl', contactEmail: 'o@example.be' });
    const client = await ok('POST', '/v1/clients', {
      officeId: office.id,
      companyName: 'Metrics BV',
      clientCode: 'M-1',
      email: 'client@example.be',
      language: 'nl',
    });
    const account = await ok('POST', `/v1/clients/${client.id}/bank-accounts`, { iban: 'BE35 3101 2345 6737' });
    const ordered = await ok('POST', '/v1/mandates', { bankAccountIds: [account.id], managementMode: 'service' });
    const id = ordered.data[0].mandate.id as string;
    await waitFor(async () => ((await statusOf(id)) === 'sent_to_client' ? true : undefined), 'presented');
    await ok('POST', '/v1/sandbox/webhooks/esign', {
      type: 'mandate.signed',
      data: { mandateId: id, revision: 1 },
      eventId: `m-${id}-s`,
    });
    await waitFor(async () => ((await statusOf(id)) === 'bank_processing' ? true : undefined), 'signed');
    await ok('POST', '/v1/sandbox/webhooks/banklink', {
      type: 'bank.mandate_accepted',
      data: { mandateId: id },
      eventId: `m-${id}-a`,
    });
    await waitFor(async () => ((await statusOf(id)) === 'active' ? true : undefined), 'active');

    // The database is read at most every few seconds: wait for a fresh reading.
    const after = await waitFor(async () => {
      const families = await scrape();
      return sample(families, 'bankfeed_cases', { journey: 'mandate', status: 'active' }) > activeBefore
        ? families
        : undefined;
    }, 'the active mandate counted');
    expect(sample(after, 'bankfeed_cases', { journey: 'mandate', status: 'active' })).toBe(activeBefore + 1);
    expect(sample(after, 'bankfeed_case_transitions_total', { journey: 'mandate', to_state: 'active' })).toBe(
      enteredActiveBefore + 1,
    );
    expect(
      sample(after, 'bankfeed_webhooks_received_total', { provider: 'esign', outcome: 'handled' }),
    ).toBeGreaterThan(0);
    expect(sample(after, 'bankfeed_outbox_emails', { template: 'mandate.invitation', status: 'sent' })).toBeGreaterThan(
      0,
    );
    // The worker runs in this process here: its e-mail counter shows too.
    expect(sample(after, 'bankfeed_emails_total', { template: 'mandate.invitation', outcome: 'sent' })).toBeGreaterThan(
      0,
    );
    // Routes by their pattern, never by a case's id.
    expect(
      sample(after, 'bankfeed_http_requests_total', { method: 'POST', route: '/v1/mandates', status: '202' }),
    ).toBe(1);
    expect(
      sample(after, 'bankfeed_http_requests_total', { method: 'GET', route: '/v1/mandates/:id', status: '200' }),
    ).toBeGreaterThan(0);
    const routes = after.find((f) => f.name === 'bankfeed_http_requests_total')!.metrics.map((m) => m.labels?.route);
    expect(routes.filter((r) => r?.includes(id))).toEqual([]);
  });
});
