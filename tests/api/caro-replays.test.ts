import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { createReconcilerActivities } from '../../activities/reconciler/activities.js';
import { reconcilerDeps } from '../../workers/reconciler.js';
import type { ReconcileRequest, ReconcileResult } from '../../workflows/reconciler/contract.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClientAccount, orderCaro } from '../helpers/cases.js';
import { OutboxSender } from '../../activities/email/sender.js';
import { createLinkBuilder } from '../../lib/links/links.js';
import {
  silentLogger,
  startTestStack,
  TEST_LINK_SECRET,
  TEST_PUBLIC_BASE_URL,
  type TestStack,
} from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// Support's bulk replay (issue 16) on the real stack: a preview freezes the cases, the confirmation
// runs the workflow caro-replay:<id> on the worker, in chunks of 2 here, each case re-decided.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let support: string;
let officeId: string;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal, { caroReplay: { chunkSize: 2, pauseMs: 10 } });
  support = await stack.key('support');
  officeId = (
    await stack.http('POST', '/v1/offices', { name: 'Kantoor Maes', language: 'nl', contactEmail: 'maes@example.be' })
  ).body.id;
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const status = (id: string, wanted: string) =>
  waitFor(
    async () => ((await stack.http('GET', `/v1/caro-orders/${id}`)).body.status === wanted ? true : undefined),
    `order ${id} ${wanted}`,
  );
const cardholder = (orderId: string, type: string, data: Record<string, unknown> = {}) =>
  stack.http('POST', '/v1/sandbox/webhooks/caro', { type, data: { orderId, ...data } });

/** `count` orders, each of a new client, whose activation failed for `reason`. */
async function failedOrders(count: number, reason = 'technical_or_data_error'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const client = await newClientAccount(stack, {
      officeId,
      companyName: `Drukkerij ${i}`,
      email: `drukkerij${i}@example.be`,
      codePrefix: 'DR',
    });
    const id = await orderCaro(stack, { ...client, cardholderEmail: `holder${i}@example.be` });
    await status(id, 'invitation_sent');
    await cardholder(id, 'caro.activation_failed', { reason });
    await status(id, 'problem');
    ids.push(id);
  }
  return ids;
}

const done = (id: string) =>
  waitFor(
    async () => {
      const res = await stack.http('GET', `/v1/caro-replays/${id}`, undefined, { key: support });
      return res.body.status === 'done' ? res.body : undefined;
    },
    `replay batch ${id} done`,
    60_000,
  );

describe('bulk replay of failed CARO activations', () => {
  it('previews the exact cases, replays those in chunks in the confirmer’s name, skips one that no longer failed', async () => {
    const [a, b, c, d, e] = await failedOrders(5);
    const preview = await stack.http(
      'POST',
      '/v1/caro-replays',
      { reason: 'technical_or_data_error', officeId },
      { key: support },
    );
    expect(preview.status).toBe(201);
    expect(preview.headers.get('location')).toBe(`/v1/caro-replays/${preview.body.id}`);
    expect(preview.body).toMatchObject({
      status: 'previewed',
      total: 5,
      pending: 5,
      replayed: 0,
      workflowId: `caro-replay:${preview.body.id}`,
      filter: { reason: 'technical_or_data_error', officeId },
      requestedBy: { role: 'support' },
      confirmedBy: null,
      chunkSize: 2,
    });
    expect(preview.body.cases.data.map((x: any) => x.orderId).sort()).toEqual([a, b, c, d, e].sort());
    expect(preview.body.cases.data[0]).toMatchObject({
      companyName: expect.stringMatching(/^Drukkerij/),
      orderStatus: 'problem',
      problemReason: 'technical_or_data_error',
      outcome: 'pending',
    });
    // Paged: two of five, then the rest.
    const firstTwo = await stack.http('GET', `/v1/caro-replays/${preview.body.id}?limit=2`, undefined, {
      key: support,
    });
    const rest = await stack.http(
      'GET',
      `/v1/caro-replays/${preview.body.id}?limit=10&cursor=${firstTwo.body.cases.nextCursor}`,
      undefined,
      { key: support },
    );
    expect([...firstTwo.body.cases.data, ...rest.body.cases.data].map((x: any) => x.id)).toEqual(
      preview.body.cases.data.map((x: any) => x.id),
    );
    expect(rest.body.cases.nextCursor).toBeNull();
    // A dry run replays nothing.
    expect(await stack.db.prisma.auditEvent.count({ where: { action: 'caro.replay' } })).toBe(0);

    // Between the preview and the confirmation, one case gets activated after all, and another one fails.
    await cardholder(e!, 'caro.activated');
    await status(e!, 'active');
    const [late] = await failedOrders(1);

    const started = await stack.http('POST', `/v1/caro-replays/${preview.body.id}/start`, undefined, { key: support });
    expect(started.status).toBe(202);
    expect(['confirmed', 'running', 'done']).toContain(started.body.status);
    expect(started.body.confirmedBy).toMatchObject({ role: 'support', name: null });
    const finished = await done(preview.body.id);
    expect(finished).toMatchObject({ total: 5, replayed: 4, skipped: 1, failed: 0, pending: 0 });
    expect(finished.finishedAt).not.toBeNull();
    const outcomes = Object.fromEntries(finished.cases.data.map((x: any) => [x.orderId, x]));
    expect(outcomes[e!]).toMatchObject({ outcome: 'skipped', detail: 'nothing failed: the order is active' });
    for (const id of [a, b, c, d]) {
      expect(outcomes[id!]).toMatchObject({ outcome: 'replayed', mechanism: 'retry-update', detail: null });
      await status(id!, 'invitation_sent');
    }
    // Only the frozen list: the case that failed after the preview is left alone.
    expect((await stack.http('GET', `/v1/caro-orders/${late}`)).body.status).toBe('problem');
    const audits = await stack.db.prisma.auditEvent.findMany({ where: { action: 'caro.replay' } });
    expect(audits.map((x) => x.resourceId).sort()).toEqual([a, b, c, d].sort());
    const supportKey = await stack.db.prisma.apiKey.findFirstOrThrow({ where: { role: 'support' } });
    for (const audit of audits)
      expect(audit).toMatchObject({
        actorRole: 'support',
        actorKeyId: supportKey.id,
        details: { bulk: true, batchId: preview.body.id, mechanism: 'retry-update' },
      });

    // A second confirmation changes nothing: no case is replayed twice.
    const again = await stack.http('POST', `/v1/caro-replays/${preview.body.id}/start`, undefined, { key: support });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ status: 'done', replayed: 4 });
    expect(await stack.db.prisma.auditEvent.count({ where: { action: 'caro.replay' } })).toBe(4);
    const listed = await stack.http('GET', '/v1/caro-replays', undefined, { key: support });
    expect(listed.body.data[0]).toMatchObject({ id: preview.body.id, status: 'done' });
  });

  it('finishes a batch whose start went unanswered when it is confirmed again, or in the reconciler’s round; an empty preview is done once confirmed', async () => {
    const [orphan] = await failedOrders(1, 'online_payments_disabled');
    const preview = await stack.http('POST', '/v1/caro-replays', { reason: 'online_payments_disabled', officeId });
    expect(preview.body.cases.data.map((x: any) => x.orderId)).toEqual([orphan]);
    // As a confirmation whose start timed out leaves it: confirmed, in the operator's name, no workflow.
    const operator = await stack.db.prisma.apiKey.findFirstOrThrow({ where: { role: 'operator' } });
    await stack.db.prisma.caroReplayBatch.update({
      where: { id: preview.body.id },
      data: {
        status: 'confirmed',
        confirmedAt: new Date(),
        confirmedByKeyId: operator.id,
        confirmedByRole: 'operator',
      },
    });
    const again = await stack.http('POST', `/v1/caro-replays/${preview.body.id}/start`, undefined, { key: support });
    expect(again.status).toBe(202);
    // The first confirmer stays the one the case is replayed for.
    expect(again.body.confirmedBy).toMatchObject({ role: 'operator', keyId: operator.id });
    expect(await done(preview.body.id)).toMatchObject({ replayed: 1, pending: 0 });
    await status(orphan!, 'invitation_sent');

    // Left confirmed without a workflow, nobody confirming again: the reconciler's next round starts it.
    const [stranded] = await failedOrders(1, 'card_not_linked_to_reference');
    const second = await stack.http('POST', '/v1/caro-replays', { reason: 'card_not_linked_to_reference', officeId });
    await stack.db.prisma.caroReplayBatch.update({
      where: { id: second.body.id },
      data: {
        status: 'confirmed',
        confirmedAt: new Date(Date.now() - 120_000),
        confirmedByKeyId: operator.id,
        confirmedByRole: 'operator',
      },
    });
    const { reconcilePendingStarts } = createReconcilerActivities({
      prisma: stack.db.prisma,
      logger: silentLogger,
      email: new OutboxSender(),
      links: createLinkBuilder({ publicBaseUrl: TEST_PUBLIC_BASE_URL, secret: TEST_LINK_SECRET }),
      temporal: reconcilerDeps(temporal.nativeConnection, 'default', stack.taskQueue),
    });
    const round = await new MockActivityEnvironment().run<
      [ReconcileRequest],
      ReconcileResult,
      typeof reconcilePendingStarts
    >(reconcilePendingStarts, { olderThanMs: 60_000, limit: 10 });
    expect(round.created).toBe(1);
    expect(await done(second.body.id)).toMatchObject({ replayed: 1, pending: 0 });
    await status(stranded!, 'invitation_sent');

    const empty = await stack.http('POST', '/v1/caro-replays', { reason: 'debit_card', officeId });
    expect(empty.body).toMatchObject({ total: 0, cases: { data: [], nextCursor: null } });
    const confirmed = await stack.http('POST', `/v1/caro-replays/${empty.body.id}/start`);
    expect(confirmed.status).toBe(202);
    expect(confirmed.body).toMatchObject({ status: 'done', total: 0, confirmedBy: { role: 'operator' } });
  });
});
