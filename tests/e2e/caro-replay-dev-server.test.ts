import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailDeliveryError, type EmailSender, type OutgoingMessage } from '../../activities/email/sender.js';
import { detailWithWorkflow } from '../helpers/cases.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { startDevServer, type DevServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// Support replay needs the dev server: the time-skipping server cannot reset a workflow.
let server: DevServer;
let stack: TestStack;
let support: string;
let officeId: string;

/** Refuses (like a provider's validation error) every message to an address in `blocked`, until support fixes it. */
class BlockingSender implements EmailSender {
  readonly transport = 'outbox' as const;
  readonly blocked = new Set<string>();
  async send(message: OutgoingMessage) {
    if (this.blocked.has(message.to))
      throw new EmailDeliveryError('recipient blocked', {
        retryable: false,
        statusCode: 422,
        code: 'validation_error',
      });
    return { providerMessageId: null };
  }
}
const sender = new BlockingSender();

beforeAll(async () => {
  server = await startDevServer();
  stack = await startTestStack(server.env, { email: sender });
  support = await stack.key('support');
  officeId = (
    await stack.http('POST', '/v1/offices', {
      name: 'Kantoor Peeters',
      language: 'nl',
      contactEmail: 'kantoor@example.be',
    })
  ).body.id;
});
afterAll(async () => {
  await stack?.stop();
  await server?.stop();
});

async function order(email = `holder-${randomUUID().slice(0, 8)}@example.be`, office = officeId): Promise<string> {
  const clientId = (
    await stack.http('POST', '/v1/clients', {
      officeId: office,
      companyName: 'Bakkerij Janssens BV',
      clientCode: `C-${randomUUID()}`,
      language: 'nl',
    })
  ).body.id;
  const bankAccountId = (
    await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban: 'BE68 5390 0754 7034' })
  ).body.id;
  const res = await stack.http('POST', '/v1/caro-orders', {
    orders: [
      {
        clientId,
        bankAccountId,
        clientReference: `REF-${randomUUID().slice(0, 8)}`,
        cardholderEmail: email,
        cardholderLanguage: 'nl',
      },
    ],
  });
  expect(res.status).toBe(202);
  return res.body.data[0].id;
}

const invitations = (id: string) =>
  stack.db.prisma.emailOutbox.findMany({
    where: { caseType: 'caro', caseId: id, template: 'caro.invitation' },
    orderBy: { createdAt: 'asc' },
  });
const state = async (id: string) => (await detailWithWorkflow(stack, `/v1/caro-orders/${id}`)).body;

async function inProblem(reason: string, occurredAt: string): Promise<string> {
  const id = await order();
  await stack.webhook('caro', {
    eventId: `evt-${randomUUID()}`,
    type: 'caro.activation_failed',
    occurredAt,
    data: { orderId: id, reason },
  });
  await waitFor(
    async () => ((await state(id)).workflow.state?.status === 'problem' ? true : undefined),
    `order ${id} in problem`,
  );
  return id;
}

describe('CARO support replay on the dev server', () => {
  it('bulk: the dry run lists exactly the technical errors since the date; the replay re-invites them, audited with the actor', async () => {
    const recentA = await inProblem('technical_or_data_error', '2026-11-20T10:00:00Z');
    const recentB = await inProblem('technical_or_data_error', '2026-11-21T10:00:00Z');
    const old = await inProblem('technical_or_data_error', '2026-01-05T10:00:00Z');
    const debit = await inProblem('debit_card', '2026-11-22T10:00:00Z');
    const filter = { reason: 'technical_or_data_error', since: '2026-06-01T00:00:00Z', officeId };

    const dry = await stack.http('POST', '/v1/caro-orders/replay', { ...filter, dryRun: true }, { key: support });
    expect(dry.status).toBe(200);
    expect(
      dry.body.replayed.map((r: { orderId: string; mechanism: string }) => [r.orderId, r.mechanism]).sort(),
    ).toEqual(
      [
        [recentA, 'retry-update'],
        [recentB, 'retry-update'],
      ].sort(),
    );
    expect((await state(recentA)).status).toBe('problem'); // a dry run changes nothing
    expect(await stack.db.prisma.auditEvent.count({ where: { action: 'caro.replay' } })).toBe(0);

    const done = await stack.http('POST', '/v1/caro-orders/replay', { ...filter, dryRun: false }, { key: support });
    expect(done.status).toBe(202);
    expect(done.body.replayed.map((r: { orderId: string }) => r.orderId).sort()).toEqual([recentA, recentB].sort());
    for (const id of [recentA, recentB]) {
      const after = await state(id);
      expect(after).toMatchObject({ status: 'invitation_sent', problemReason: null, linkVersion: 2 });
      expect(after.workflow.state.history.at(-1)).toMatchObject({
        event: 'replayed',
        from: 'problem',
        to: 'invitation_sent',
        actor: { role: 'support' },
      });
      await waitFor(async () => ((await invitations(id)).length === 2 ? true : undefined), 'the fresh invitation');
    }
    for (const id of [old, debit]) expect((await state(id)).status).toBe('problem');
    const supportKey = await stack.db.prisma.apiKey.findFirstOrThrow({ where: { prefix: support.split('_')[1] } });
    const audits = await stack.db.prisma.auditEvent.findMany({ where: { action: 'caro.replay' } });
    expect(audits.map((a) => [a.resourceId, a.actorRole, a.actorKeyId]).sort()).toEqual(
      [
        [recentA, 'support', supportKey.id],
        [recentB, 'support', supportKey.id],
      ].sort(),
    );
    expect(audits[0]!.details).toMatchObject({ mechanism: 'retry-update', bulk: true });

    const accountant = await stack.key('accountant', officeId);
    expect(
      (await stack.http('POST', '/v1/caro-orders/replay', { ...filter, dryRun: true }, { key: accountant })).status,
    ).toBe(403);
  });

  it('single: a run that FAILED on a rejected invitation is reset to its last good point and sends it once the cause is fixed', async () => {
    const email = `blocked-${randomUUID().slice(0, 8)}@example.be`;
    sender.blocked.add(email);
    const id = await order(email);
    const handle = server.env.client.workflow.getHandle(`caro:${id}`);
    await waitFor(
      async () => ((await handle.describe()).status.name === 'FAILED' ? true : undefined),
      'the run to fail',
    );
    expect((await invitations(id)).map((m) => m.status)).toEqual(['rejected']);
    const failedRunId = (await handle.describe()).runId;
    expect((await state(id)).emailProblems).toEqual([
      expect.objectContaining({ template: 'caro.invitation', reason: expect.stringMatching(/recipient blocked/) }),
    ]);
    const resend = await stack.http('POST', `/v1/caro-orders/${id}/resend`);
    expect(resend.status).toBe(409);
    expect(resend.body.code).toBe('caro_workflow_not_running');

    const dry = await stack.http('POST', `/v1/caro-orders/${id}/replay`, { dryRun: true }, { key: support });
    expect(dry.body).toEqual({
      dryRun: true,
      replayed: [{ orderId: id, mechanism: 'reset', status: 'invitation_sent' }],
      skipped: [],
    });

    sender.blocked.delete(email); // the cause is fixed
    const replayed = await stack.http('POST', `/v1/caro-orders/${id}/replay`, { dryRun: false }, { key: support });
    expect(replayed.status).toBe(202);
    expect(replayed.body.replayed[0]).toMatchObject({ orderId: id, mechanism: 'reset', newRunId: expect.any(String) });
    expect(replayed.body.replayed[0].newRunId).not.toBe(failedRunId);

    await waitFor(
      async () => ((await invitations(id)).some((m) => m.status === 'sent') ? true : undefined),
      'the invitation after the reset',
    );
    const after = await state(id);
    expect(after.workflow).toMatchObject({ status: 'RUNNING', state: { status: 'invitation_sent', linkVersion: 1 } });
    expect((await handle.describe()).runId).toBe(replayed.body.replayed[0].newRunId);
    const audit = await stack.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'caro.replay', resourceId: id },
    });
    expect(audit).toMatchObject({
      actorRole: 'support',
      details: { mechanism: 'reset', newRunId: replayed.body.replayed[0].newRunId },
    });

    // The replayed run is a normal one: the cardholder activates.
    await stack.webhook('caro', {
      eventId: `evt-${randomUUID()}`,
      type: 'caro.activated',
      occurredAt: new Date().toISOString(),
      data: { orderId: id },
    });
    await waitFor(
      async () => ((await state(id)).status === 'active' ? true : undefined),
      'activation after the replay',
    );
  });

  it('bulk by status: failed runs are reset, a healthy open invitation is left alone', async () => {
    const office = (
      await stack.http('POST', '/v1/offices', {
        name: 'Kantoor Claes',
        language: 'nl',
        contactEmail: 'claes@example.be',
      })
    ).body.id;
    const blocked = [
      `blocked-${randomUUID().slice(0, 8)}@example.be`,
      `blocked-${randomUUID().slice(0, 8)}@example.be`,
    ];
    for (const email of blocked) sender.blocked.add(email);
    const failed = [await order(blocked[0], office), await order(blocked[1], office)];
    const healthy = await order(undefined, office);
    for (const id of failed) {
      await waitFor(
        async () =>
          (await server.env.client.workflow.getHandle(`caro:${id}`).describe()).status.name === 'FAILED'
            ? true
            : undefined,
        'the run to fail',
      );
    }
    const filter = { status: 'invitation_sent', officeId: office };
    const dry = await stack.http('POST', '/v1/caro-orders/replay', { ...filter, dryRun: true }, { key: support });
    expect(
      dry.body.replayed.map((r: { orderId: string; mechanism: string }) => [r.orderId, r.mechanism]).sort(),
    ).toEqual(failed.map((id) => [id, 'reset']).sort());
    expect(dry.body.replayed.map((r: { orderId: string }) => r.orderId)).not.toContain(healthy);

    for (const email of blocked) sender.blocked.delete(email);
    const done = await stack.http('POST', '/v1/caro-orders/replay', { ...filter, dryRun: false }, { key: support });
    expect(done.status).toBe(202);
    expect(done.body.replayed.map((r: { orderId: string }) => r.orderId).sort()).toEqual([...failed].sort());
    for (const id of failed) {
      await waitFor(
        async () => ((await invitations(id)).some((m) => m.status === 'sent') ? true : undefined),
        'the invitation after the reset',
      );
      expect((await state(id)).workflow.status).toBe('RUNNING');
    }
    expect((await invitations(healthy)).length).toBe(1);
  });

  it('bulk replay workflow (issue 16): the preview holds only the failed runs, the worker resets them', async () => {
    const office = (
      await stack.http('POST', '/v1/offices', { name: 'Kantoor Wouters', language: 'nl', contactEmail: 'w@example.be' })
    ).body.id;
    const blocked = `blocked-${randomUUID().slice(0, 8)}@example.be`;
    sender.blocked.add(blocked);
    const failed = await order(blocked, office);
    const healthy = await order(undefined, office);
    await waitFor(
      async () =>
        (await server.env.client.workflow.getHandle(`caro:${failed}`).describe()).status.name === 'FAILED'
          ? true
          : undefined,
      'the run to fail',
    );
    const preview = await stack.http(
      'POST',
      '/v1/caro-replays',
      { status: 'invitation_sent', officeId: office },
      { key: support },
    );
    expect(preview.body.cases.data.map((c: { orderId: string }) => c.orderId)).toEqual([failed]);
    sender.blocked.delete(blocked);
    expect(
      (await stack.http('POST', `/v1/caro-replays/${preview.body.id}/start`, undefined, { key: support })).status,
    ).toBe(202);
    const finished = await waitFor(async () => {
      const res = await stack.http('GET', `/v1/caro-replays/${preview.body.id}`, undefined, { key: support });
      return res.body.status === 'done' ? res.body : undefined;
    }, 'the batch to be done');
    expect(finished.cases.data[0]).toMatchObject({ orderId: failed, outcome: 'replayed', mechanism: 'reset' });
    await waitFor(
      async () => ((await invitations(failed)).some((m) => m.status === 'sent') ? true : undefined),
      'the invitation after the reset',
    );
    expect((await state(failed)).workflow.status).toBe('RUNNING');
    expect((await invitations(healthy)).length).toBe(1);
  });
});
