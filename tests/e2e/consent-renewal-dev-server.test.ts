import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailWithWorkflow } from '../helpers/cases.js';
import { startDevServer, type DevServer } from '../helpers/temporal.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

// Renewals in quick succession race the continue-as-new they trigger: checked on the real
// server (the dev server), whose handling of signals during continue-as-new is the production one.
let server: DevServer;
let stack: TestStack;

beforeAll(async () => {
  server = await startDevServer();
  stack = await startTestStack(server.env);
});
afterAll(async () => {
  await stack?.stop();
  await server?.stop();
});

describe('consent renewal on the dev server', () => {
  it('loses no renewal when several arrive at once, and the status query follows the new run', async () => {
    const office = await stack.http('POST', '/v1/offices', {
      name: 'Kantoor Peeters',
      language: 'nl',
      contactEmail: 'kantoor@example.be',
    });
    const now = Date.now();
    const created = await stack.http('POST', '/v1/connections', {
      officeId: office.body.id,
      provider: 'ponto',
      ownerLanguage: 'nl',
      ibans: ['BE68539007547034'],
      validUntil: new Date(now + 40 * 86_400_000).toISOString(),
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    const first = new Date(now + 130 * 86_400_000).toISOString();
    const second = new Date(now + 170 * 86_400_000).toISOString();

    const answers = await Promise.all([
      stack.http('POST', `/v1/connections/${id}/renewal`, { validUntil: first }),
      stack.http('POST', `/v1/connections/${id}/renewal`, { validUntil: first }),
      stack.http('POST', `/v1/connections/${id}/renewal`, { validUntil: second }),
    ]);
    expect(answers.map((a) => a.status).every((s) => s === 202 || s === 200)).toBe(true);

    const state = await waitFor(async () => {
      const res = await detailWithWorkflow(stack, `/v1/connections/${id}`);
      expect(res.status).toBe(200);
      return res.body.workflow.state?.validUntil === second ? res.body.workflow.state : undefined;
    }, 'the latest renewal to reach the workflow');
    expect(state).toMatchObject({ validUntil: second, phase: 'waiting' });
    expect(state.renewals).toBeGreaterThanOrEqual(1);
    const row = await stack.http('GET', `/v1/connections/${id}`);
    expect(row.body.validUntil).toBe(second);

    // The aggregator delivers the same report again, then an old one out of order: nothing changes.
    const again = await stack.http('POST', `/v1/connections/${id}/renewal`, { validUntil: second });
    expect(again.status).toBe(202);
    const stale = await stack.http('POST', `/v1/connections/${id}/renewal`, { validUntil: first });
    expect(stale.status).toBe(200);
    expect(stale.body.validUntil).toBe(second);
    const after = await detailWithWorkflow(stack, `/v1/connections/${id}`);
    expect(after.body).toMatchObject({
      validUntil: second,
      status: 'connected',
      workflow: { status: 'RUNNING', state: { validUntil: second, renewals: state.renewals } },
    });
  });

  it('answers from the database when no worker answers the status query', async () => {
    const office = await stack.http('POST', '/v1/offices', {
      name: 'Bureau Martin',
      language: 'fr',
      contactEmail: 'bureau@example.be',
    });
    const created = await stack.http('POST', '/v1/connections', {
      officeId: office.body.id,
      provider: 'ponto',
      ownerLanguage: 'fr',
      ibans: ['BE68539007547034'],
      validUntil: new Date(Date.now() + 40 * 86_400_000).toISOString(),
    });
    await stack.worker.shutdown();
    const res = await stack.http('GET', `/v1/connections/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'connected', action: 'none', nextStep: { kind: 'reminder' } });
    const live = await stack.http('GET', `/v1/connections/${created.body.id}/workflow`);
    expect(live.body).toMatchObject({ status: 'RUNNING', state: null, available: false });
  });
});
