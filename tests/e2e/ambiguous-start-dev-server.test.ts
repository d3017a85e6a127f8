import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingStartRow } from '../../lib/temporal/start-case.js';
import { DEFAULT_CARO_SCHEDULE, caroActivationWorkflowId } from '../../workflows/caro-activation/contract.js';
import { DEFAULT_MANDATE_SCHEDULE } from '../../workflows/mandate/contract.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { startDevServer, type DevServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// Issue 17 §1: the dev server, to list every workflow (orphans) after the fault.
let server: DevServer;
let proxy: TcpProxy;
let stack: TestStack;

beforeAll(async () => {
  server = await startDevServer();
  proxy = await startTcpProxy(server.address);
  stack = await startTestStack(server.env, { apiTemporalAddress: proxy.address, temporalTimeoutMs: 2_000 });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await proxy?.close();
  await server?.stop();
});

const client = () => server.env.client;

async function runningCaroWorkflows(): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client().workflow.list({
    query: `WorkflowType = 'caroActivationWorkflow' AND TaskQueue = '${stack.taskQueue}'`,
  }))
    if (wf.status.name === 'RUNNING') ids.push(wf.workflowId);
  return ids.sort();
}

describe('a start that times out is not a refusal', () => {
  it('2 × 100 CARO orders through a black-holed Temporal: all kept and started, no orphan, one invitation each', async () => {
    const officeId = (
      await stack.http('POST', '/v1/offices', { name: 'Kantoor', language: 'nl', contactEmail: 'k@example.be' })
    ).body.id;
    const clientId = (
      await stack.http('POST', '/v1/clients', {
        officeId,
        companyName: 'Bakkerij Janssens BV',
        clientCode: 'C-1',
        language: 'nl',
      })
    ).body.id;
    const bankAccountId = (
      await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban: 'BE68 5390 0754 7034' })
    ).body.id;
    const bulk = (n: number) => ({
      orders: Array.from({ length: 100 }, (_, i) => ({
        clientId,
        bankAccountId,
        clientReference: `REF-${n}-${i}`,
        cardholderEmail: `holder-${n}-${i}@example.be`,
        cardholderLanguage: 'nl',
      })),
    });
    const post = (n: number) =>
      stack.http('POST', '/v1/caro-orders', bulk(n), { headers: { 'Idempotency-Key': `bulk-${n}` } });

    // Slow first, then nothing gets through once some starts were confirmed.
    proxy.setMode({ kind: 'delay', ms: 100 });
    const answers = Promise.all([post(1), post(2)]);
    await waitFor(
      async () =>
        (await stack.db.prisma.caroOrder.count()) === 200 && (await stack.db.prisma.pendingStart.count()) <= 180
          ? true
          : undefined,
      'some starts confirmed',
      60_000,
    );
    proxy.setMode({ kind: 'blackhole' });
    const [first, second] = await answers;

    for (const answer of [first, second]) {
      expect(answer.status).toBe(202);
      expect(answer.body.refused).toEqual([]);
      expect(answer.body.data).toHaveLength(100);
    }
    const items = [...first.body.data, ...second.body.data] as { id: string; outcome: string }[];
    const outcomes = new Set(items.map((o) => o.outcome));
    expect(outcomes).toContain('created');
    expect(outcomes).toContain('pending_start');
    expect(await stack.db.prisma.caroOrder.count()).toBe(200);

    // The same request again (the caller lost the answer): the same per-item answer, nothing new
    // (the stored answer keeps no cardholder address).
    proxy.setMode({ kind: 'pass' });
    const replay = await post(1);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const perItem = (body: { data: { id: string; outcome: string }[]; refused: unknown[] }) => ({
      data: body.data.map(({ id, outcome }) => ({ id, outcome })),
      refused: body.refused,
    });
    expect(perItem(replay.body)).toEqual(perItem(first.body));

    // A pending start whose row is gone: dropped by the reconciler, never started.
    const ghost = randomUUID();
    await stack.db.prisma.pendingStart.create({
      data: pendingStartRow({
        workflowId: caroActivationWorkflowId(ghost),
        caseType: 'caro',
        caseId: ghost,
        workflowType: 'caroActivationWorkflow',
        input: { orderId: ghost, channel: 'link', schedule: DEFAULT_CARO_SCHEDULE, actor: { kind: 'schedule' } },
      }),
    });

    const reconciler = await client().workflow.start('reconcilerWorkflow', {
      workflowId: `reconciler-${randomUUID()}`,
      taskQueue: stack.taskQueue,
      args: [{ olderThanMs: 0, intervalMs: 500 }],
    });
    await waitFor(
      async () => ((await stack.db.prisma.pendingStart.count()) === 0 ? true : undefined),
      'every pending start reconciled',
      120_000,
    );
    await reconciler.terminate('test over');

    const rows = (await stack.db.prisma.caroOrder.findMany({ select: { workflowId: true } }))
      .map((r) => r.workflowId)
      .sort();
    // Every order has its running workflow, and no workflow lacks its order (visibility lags a little).
    await waitFor(async () => ((await runningCaroWorkflows()).length === 200 ? true : undefined), 'visibility', 60_000);
    expect(await runningCaroWorkflows()).toEqual(rows);
    await expect(client().workflow.getHandle(caroActivationWorkflowId(ghost)).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    // One invitation per order, never two.
    const invitations = () =>
      stack.db.prisma.emailOutbox.groupBy({
        by: ['caseId'],
        where: { caseType: 'caro', template: 'caro.invitation' },
        _count: { _all: true },
      });
    await waitFor(async () => ((await invitations()).length === 200 ? true : undefined), 'invitations', 120_000);
    expect((await invitations()).filter((g) => g._count._all !== 1)).toEqual([]);
  }, 400_000);

  it('a workflow whose row is missing ends cleanly instead of failing (CARO and mandate)', async () => {
    const orderId = randomUUID();
    const caro = await client().workflow.start('caroActivationWorkflow', {
      workflowId: caroActivationWorkflowId(orderId),
      taskQueue: stack.taskQueue,
      args: [{ orderId, channel: 'link', schedule: DEFAULT_CARO_SCHEDULE, actor: { kind: 'schedule' } }],
    });
    expect(await caro.result()).toMatchObject({ orderId, status: 'invitation_sent' });
    const mandateId = randomUUID();
    const mandate = await client().workflow.start('mandateWorkflow', {
      workflowId: `mandate:${mandateId}`,
      taskQueue: stack.taskQueue,
      args: [{ mandateId, path: 'esign', mode: 'office', schedule: DEFAULT_MANDATE_SCHEDULE }],
    });
    expect(await mandate.result()).toMatchObject({ mandateId });
    expect((await mandate.describe()).status.name).toBe('COMPLETED');
  }, 120_000);
});
