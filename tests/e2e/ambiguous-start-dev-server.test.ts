import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { listen } from '../../api/server.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { pendingStartRow } from '../../lib/temporal/start-case.js';
import { DEFAULT_CARO_SCHEDULE, caroActivationWorkflowId } from '../../workflows/caro-activation/contract.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { DEFAULT_MANDATE_SCHEDULE } from '../../workflows/mandate/contract.js';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { silentLogger, startTestStack, TEST_WEBHOOK_SECRETS, type TestStack } from '../helpers/stack.js';
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

/** A valid Belgian IBAN per `i` (bank code 539, account number with its mod-97 check). */
function ibanOf(i: number): string {
  const account = 5390075470 + i * 7;
  const bban = `${String(account).padStart(10, '0')}${String(account % 97 || 97).padStart(2, '0')}`;
  const check = 98 - Number(BigInt(`${bban}111400`) % 97n);
  return `BE${String(check).padStart(2, '0')}${bban}`;
}

async function runningCaroWorkflows(): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client().workflow.list({
    query: `WorkflowType = 'caroActivationWorkflow' AND TaskQueue = '${stack.taskQueue}'`,
  }))
    if (wf.status.name === 'RUNNING') ids.push(wf.workflowId);
  return ids.sort();
}

describe('a start that times out is not a refusal', () => {
  it('2 × 100 CARO orders, 20 mandates, a connection through a black-holed Temporal: all kept and started, no orphan, one invitation each', async () => {
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
      expectDeclaredResponse('createCaroOrders', 202, answer.body);
    }
    const items = [...first.body.data, ...second.body.data] as { id: string; outcome: string }[];
    const outcomes = new Set(items.map((o) => o.outcome));
    expect(outcomes).toContain('created');
    expect(outcomes).toContain('pending_start');
    expect(await stack.db.prisma.caroOrder.count()).toBe(200);

    // Still black-holed: a bulk mandate order and a connection are kept, pending, within the deadline.
    const accountIds: string[] = [];
    for (let i = 0; i < 20; i++)
      accountIds.push(
        (
          await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, {
            iban: ibanOf(i + 1),
          })
        ).body.id,
      );
    const mandates = await stack.http('POST', '/v1/mandates', { bankAccountIds: accountIds, managementMode: 'office' });
    expect(mandates.status).toBe(202);
    expectDeclaredResponse('orderMandates', 202, mandates.body);
    expect(mandates.body.data.map((d: { outcome: string }) => d.outcome)).toEqual(
      accountIds.map(() => 'pending_start'),
    );
    const connection = await stack.http('POST', '/v1/connections', {
      officeId,
      provider: 'ponto',
      ownerLanguage: 'nl',
      ibans: ['BE68539007547034'],
      validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    expect(connection).toMatchObject({ status: 202, body: { outcome: 'pending_start' } });

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
    for (const { mandate } of mandates.body.data as { mandate: { workflowId: string } }[])
      expect((await client().workflow.getHandle(mandate.workflowId).describe()).status.name).toBe('RUNNING');
    expect((await client().workflow.getHandle(connection.body.workflowId).describe()).status.name).toBe('RUNNING');

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

  it('a definite refusal (a namespace that does not exist) keeps nothing: 503 workflow_start_refused', async () => {
    const refusing = await listen(
      createApp({
        temporal: createTemporalClient({
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_NAMESPACE: 'no-such-namespace',
          TEMPORAL_TASK_QUEUE: stack.taskQueue,
          TEMPORAL_TLS: false,
        }),
        prisma: stack.db.prisma,
        logger: silentLogger,
        taskQueue: stack.taskQueue,
        temporalTimeoutMs: 5_000,
        consentSchedule: DEFAULT_CONSENT_SCHEDULE,
        webhookSecrets: TEST_WEBHOOK_SECRETS,
      }),
      { port: 0, host: '127.0.0.1', logger: silentLogger, shutdownTimeoutMs: 100 },
    );
    try {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${refusing.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.operatorKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      const officeId = (await stack.http('GET', '/v1/offices')).body.data[0].id;
      const clientId = (
        await stack.http('POST', '/v1/clients', {
          officeId,
          companyName: 'Refused BV',
          clientCode: 'C-R',
          language: 'fr',
        })
      ).body.id;
      const bankAccountId = (
        await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban: 'BE35 3101 2345 6737' })
      ).body.id;
      const before = await stack.db.prisma.caroOrder.count();
      const connectionsBefore = await stack.db.prisma.connection.count();
      const caro = await post('/v1/caro-orders', {
        orders: [1, 2].map((i) => ({
          clientId,
          bankAccountId,
          clientReference: `REFUSED-${i}`,
          cardholderEmail: `r${i}@example.be`,
          cardholderLanguage: 'fr',
        })),
      });
      expect(caro).toMatchObject({ status: 503, body: { code: 'workflow_start_refused' } });
      expect(caro.body.errors.map((e: { path: string }) => e.path)).toEqual(['orders.0', 'orders.1']);
      expect(await stack.db.prisma.caroOrder.count()).toBe(before);
      const mandate = await post('/v1/mandates', { bankAccountIds: [bankAccountId], managementMode: 'office' });
      expect(mandate).toMatchObject({ status: 503, body: { code: 'workflow_start_refused' } });
      expect(await stack.db.prisma.mandate.count({ where: { bankAccountId } })).toBe(0);
      const connection = await post('/v1/connections', {
        officeId,
        provider: 'ponto',
        ownerLanguage: 'fr',
        ibans: ['BE68539007547034'],
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      });
      expect(connection).toMatchObject({ status: 503, body: { code: 'workflow_start_refused' } });
      expect(await stack.db.prisma.connection.count()).toBe(connectionsBefore);
      expect(await stack.db.prisma.pendingStart.count()).toBe(0);
    } finally {
      await refusing.close();
    }
  }, 120_000);
});
