import { randomUUID } from 'node:crypto';
import type { TestStack } from './stack.js';
import { waitFor } from './wait.js';

const DAY = 86_400_000;

export interface RequestContext {
  stack: TestStack;
  officeId: string;
  connectionId: string;
}

export type ValidRequest = { path: string; body?: unknown };

/**
 * One valid request for every route of the API, by operationId. The role × route matrix and
 * the bad-input suite both start from these: a route without an entry fails both.
 */
export function validRequests({
  stack,
  officeId,
  connectionId,
}: RequestContext): Record<string, () => Promise<ValidRequest> | ValidRequest> {
  const clientBody = () => ({ officeId, companyName: 'Matrix SRL', clientCode: `M-${randomUUID()}`, language: 'fr' });
  const newClient = async () => (await stack.http('POST', '/v1/clients', clientBody())).body.id as string;
  const kbcIban = 'BE09 7341 2345 6757';
  /** A fresh mandate (office mode, other bank) with its running workflow. */
  const newMandate = async () => {
    const account = await stack.http('POST', `/v1/clients/${await newClient()}/bank-accounts`, {
      iban: 'BE68 5390 0754 7034',
    });
    const ordered = await stack.http('POST', '/v1/mandates', {
      bankAccountIds: [account.body.id],
      managementMode: 'office',
    });
    const id = ordered.body.data[0].mandate.id as string;
    // Presented: the office can act on it.
    await waitFor(
      async () =>
        (await stack.http('GET', `/v1/mandates/${id}`)).body.status === 'available_online' ? true : undefined,
      'the mandate to be presented',
    );
    return { id, bankAccountId: account.body.id as string };
  };
  const caroOrderBody = async () => {
    const clientId = await newClient();
    const account = await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban: 'BE68 5390 0754 7034' });
    return {
      orders: [
        {
          clientId,
          bankAccountId: account.body.id as string,
          clientReference: `REF-${randomUUID().slice(0, 8)}`,
          cardholderEmail: 'holder@example.be',
          cardholderLanguage: 'fr',
        },
      ],
    };
  };
  /** An endpoint of the office; nothing listens at its address (its deliveries fail and are retried). */
  const newEndpoint = async () =>
    (await stack.http('POST', '/v1/webhook-endpoints', { officeId, url: 'http://127.0.0.1:9/hook' })).body.id as string;
  const newCaroOrder = async () =>
    (await stack.http('POST', '/v1/caro-orders', await caroOrderBody())).body.data[0].id as string;
  /** A connection of the office, `days` from its deadline, in `status` (as the aggregator would report it). */
  const newConnection = async (days: number, status?: 'access_lost' | 'journal_missing') => {
    const validUntil = new Date(Date.now() + days * DAY).toISOString();
    const created = await stack.http('POST', '/v1/connections', {
      officeId,
      provider: 'ponto',
      ownerEmail: 'owner@example.be',
      ownerLanguage: 'nl',
      ibans: ['BE68539007547034'],
      validUntil,
    });
    if (status) await stack.db.prisma.connection.update({ where: { id: created.body.id }, data: { status } });
    return created.body.id as string;
  };
  return {
    createOffice: () => ({
      path: '/v1/offices',
      body: { name: 'Office M', language: 'nl', contactEmail: 'm@example.be' },
    }),
    listOffices: () => ({ path: '/v1/offices' }),
    getOffice: () => ({ path: `/v1/offices/${officeId}` }),
    createClient: () => ({ path: '/v1/clients', body: clientBody() }),
    listClients: () => ({ path: '/v1/clients?missingEmail=true' }),
    getClient: async () => ({ path: `/v1/clients/${await newClient()}` }),
    updateClient: async () => ({ path: `/v1/clients/${await newClient()}`, body: { email: 'm@example.be' } }),
    getClientEditImpact: async () => ({ path: `/v1/clients/${await newClient()}/edit-impact` }),
    deleteClient: async () => ({ path: `/v1/clients/${await newClient()}` }),
    createBankAccount: async () => ({
      path: `/v1/clients/${await newClient()}/bank-accounts`,
      body: { iban: kbcIban },
    }),
    listBankAccounts: async () => ({ path: `/v1/clients/${await newClient()}/bank-accounts` }),
    getBankAccount: async () => {
      const account = await stack.http('POST', `/v1/clients/${await newClient()}/bank-accounts`, { iban: kbcIban });
      return { path: `/v1/bank-accounts/${account.body.id}` };
    },
    orderMandates: async () => {
      const account = await stack.http('POST', `/v1/clients/${await newClient()}/bank-accounts`, {
        iban: 'BE68 5390 0754 7034',
      });
      return { path: '/v1/mandates', body: { bankAccountIds: [account.body.id], managementMode: 'office' } };
    },
    listMandates: () => ({ path: '/v1/mandates?status=available_online' }),
    getMandate: async () => ({ path: `/v1/mandates/${(await newMandate()).id}` }),
    downloadMandate: async () => ({ path: `/v1/mandates/${(await newMandate()).id}/document.pdf` }),
    copyMandateSigningLink: async () => ({ path: `/v1/mandates/${(await newMandate()).id}/signing-link` }),
    resendMandate: async () => ({ path: `/v1/mandates/${(await newMandate()).id}/resend` }),
    archiveMandate: async () => ({
      path: `/v1/mandates/${(await newMandate()).id}/archive`,
      body: { reason: 'client left' },
    }),
    markMandateProblem: async () => ({
      path: `/v1/mandates/${(await newMandate()).id}/problem`,
      body: { reason: 'bank_data_outdated' },
    }),
    resolveMandateProblem: async () => {
      const { id } = await newMandate();
      await stack.http('POST', `/v1/mandates/${id}/problem`, { reason: 'wrong_enterprise_number' });
      return { path: `/v1/mandates/${id}/problem/resolve` };
    },
    createConnection: () => ({
      path: '/v1/connections',
      body: {
        officeId,
        provider: 'ponto',
        ownerLanguage: 'nl',
        ibans: ['BE68539007547034'],
        validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
      },
    }),
    listConnections: () => ({ path: '/v1/connections?expiresWithinDays=120' }),
    getConnection: () => ({ path: `/v1/connections/${connectionId}` }),
    remindConnectionOwner: async () => ({ path: `/v1/connections/${await newConnection(10)}/remind` }),
    inviteConnectionOwner: async () => ({
      path: `/v1/connections/${await newConnection(60, 'access_lost')}/invitation`,
    }),
    reportJournalCreated: async () => ({
      path: `/v1/connections/${await newConnection(60, 'journal_missing')}/journal-created`,
    }),
    renewConnection: () => ({
      path: `/v1/connections/${connectionId}/renewal`,
      body: { validUntil: new Date(Date.now() + 80 * DAY).toISOString() },
    }),
    createCaroOrders: async () => ({ path: '/v1/caro-orders', body: await caroOrderBody() }),
    getCaroPreorderWarning: async () => ({
      path: `/v1/clients/${await newClient()}/caro-preorder-warning?language=nl`,
    }),
    listCaroOrders: () => ({ path: '/v1/caro-orders?status=invitation_sent' }),
    getCaroOrder: async () => ({ path: `/v1/caro-orders/${await newCaroOrder()}` }),
    resendCaroInvitation: async () => ({ path: `/v1/caro-orders/${await newCaroOrder()}/resend` }),
    copyCaroActivationLink: async () => ({ path: `/v1/caro-orders/${await newCaroOrder()}/activation-link` }),
    cancelCaroOrder: async () => ({ path: `/v1/caro-orders/${await newCaroOrder()}/cancel` }),
    reactivateCaroOrder: async () => {
      const id = await newCaroOrder();
      // Cancelled once invited (the workflow's first step): before, the cancel waits behind the invitation
      // for the workflow's lock and, on a loaded machine, past the API's Temporal deadline (503).
      await waitFor(
        async () => ((await stack.http('GET', `/v1/caro-orders/${id}`)).body.history.length > 0 ? true : undefined),
        `CARO order ${id} invited`,
        60_000,
      );
      // The order must read cancelled before the call: under load the cancel's update can still time out
      // (503) and apply later, which left the order in invitation_sent and the reactivation a 409.
      let cancelled = false;
      await waitFor(
        async () => {
          if (!cancelled) cancelled = (await stack.http('POST', `/v1/caro-orders/${id}/cancel`)).status === 202;
          return (await stack.http('GET', `/v1/caro-orders/${id}`)).body.status === 'cancelled' ? true : undefined;
        },
        `CARO order ${id} cancelled`,
        60_000,
      );
      return { path: `/v1/caro-orders/${id}/reactivate`, body: { cardholderEmail: 'holder2@example.be' } };
    },
    replayCaroOrder: async () => ({ path: `/v1/caro-orders/${await newCaroOrder()}/replay`, body: { dryRun: true } }),
    replayCaroOrders: () => ({
      path: '/v1/caro-orders/replay',
      body: { reason: 'technical_or_data_error', dryRun: true },
    }),
    previewCaroReplay: () => ({ path: '/v1/caro-replays', body: { reason: 'debit_card', officeId } }),
    /** A preview that found nothing (the office has no failed case of that reason): confirmed, it is done at once. */
    startCaroReplay: async () => {
      const preview = await stack.http('POST', '/v1/caro-replays', { reason: 'debit_card', officeId });
      return { path: `/v1/caro-replays/${preview.body.id}/start` };
    },
    getCaroReplay: async () => {
      const preview = await stack.http('POST', '/v1/caro-replays', { reason: 'debit_card', officeId });
      return { path: `/v1/caro-replays/${preview.body.id}?limit=10&outcome=pending` };
    },
    listCaroReplays: () => ({ path: '/v1/caro-replays?limit=5' }),
    listEvents: () => ({ path: '/v1/events?limit=5' }),
    listCases: () => ({ path: `/v1/cases?q=Matrix&journey=consent&attention=true&limit=5` }),
    getCasesSummary: () => ({ path: `/v1/cases/summary?officeId=${officeId}` }),
    listAuditEvents: () => ({ path: `/v1/audit?resourceType=connection&resourceId=${connectionId}` }),
    getMandateWorkflow: async () => ({ path: `/v1/mandates/${(await newMandate()).id}/workflow` }),
    getMandateTimeline: async () => ({ path: `/v1/mandates/${(await newMandate()).id}/timeline` }),
    addMandateNote: async () => ({ path: `/v1/mandates/${(await newMandate()).id}/notes`, body: { text: 'called' } }),
    listMandateNotes: async () => ({ path: `/v1/mandates/${(await newMandate()).id}/notes` }),
    getCaroOrderWorkflow: async () => ({ path: `/v1/caro-orders/${await newCaroOrder()}/workflow` }),
    getCaroOrderTimeline: async () => ({ path: `/v1/caro-orders/${await newCaroOrder()}/timeline` }),
    addCaroOrderNote: async () => ({ path: `/v1/caro-orders/${await newCaroOrder()}/notes`, body: { text: 'called' } }),
    listCaroOrderNotes: async () => ({ path: `/v1/caro-orders/${await newCaroOrder()}/notes` }),
    getConnectionWorkflow: () => ({ path: `/v1/connections/${connectionId}/workflow` }),
    getConnectionTimeline: () => ({ path: `/v1/connections/${connectionId}/timeline` }),
    addConnectionNote: () => ({ path: `/v1/connections/${connectionId}/notes`, body: { text: 'called' } }),
    listConnectionNotes: () => ({ path: `/v1/connections/${connectionId}/notes` }),
    listOutbox: () => ({ path: '/v1/outbox?caseType=connection' }),
    getOutboxMessage: async () => {
      const message = await stack.db.prisma.emailOutbox.create({
        data: {
          idempotencyKey: `matrix/${randomUUID()}`,
          template: 'consent.reminder',
          language: 'fr',
          toAddress: 'owner@example.be',
          subject: 'Rappel',
          html: '<p>Rappel</p>',
          text: 'Rappel',
          status: 'sent',
        },
      });
      return { path: `/v1/outbox/${message.id}` };
    },
    createApiKey: () => ({ path: '/v1/api-keys', body: { name: 'matrix', role: 'support' } }),
    listApiKeys: () => ({ path: '/v1/api-keys' }),
    sandboxWebhook: () => ({
      path: '/v1/sandbox/webhooks/aggregator',
      body: { type: 'connection.status_changed', data: { connectionId, status: 'connected' } },
    }),
    listUsers: () => ({ path: '/v1/users' }),
    createUser: () => ({
      path: '/v1/users',
      body: { email: `matrix-${randomUUID()}@example.be`, name: 'Matrix Person', role: 'support', language: 'fr' },
    }),
    updateUser: async () => {
      const created = await stack.http('POST', '/v1/users', {
        email: `matrix-${randomUUID()}@example.be`,
        name: 'To change',
        role: 'support',
        language: 'fr',
        password: 'a long enough password',
      });
      return { path: `/v1/users/${created.body.id}`, body: { name: 'Changed', language: 'nl' } };
    },
    createWebhookEndpoint: () => ({
      path: '/v1/webhook-endpoints',
      body: { officeId, url: 'http://127.0.0.1:9/hook', eventTypes: ['mandate.active'], description: 'matrix' },
    }),
    listWebhookEndpoints: () => ({ path: `/v1/webhook-endpoints?officeId=${officeId}&limit=5` }),
    getWebhookEndpoint: async () => ({ path: `/v1/webhook-endpoints/${await newEndpoint()}` }),
    updateWebhookEndpoint: async () => ({
      path: `/v1/webhook-endpoints/${await newEndpoint()}`,
      body: { enabled: false, description: 'paused' },
    }),
    deleteWebhookEndpoint: async () => ({ path: `/v1/webhook-endpoints/${await newEndpoint()}` }),
    rotateWebhookSecret: async () => ({ path: `/v1/webhook-endpoints/${await newEndpoint()}/rotate-secret` }),
    listWebhookDeliveries: async () => ({ path: `/v1/webhook-endpoints/${await newEndpoint()}/deliveries?limit=5` }),
    redeliverWebhooks: async () => ({
      path: `/v1/webhook-endpoints/${await newEndpoint()}/deliveries/redeliver`,
      body: { failedSince: new Date(Date.now() - DAY).toISOString() },
    }),
    sandboxWebhookTest: async () => ({ path: `/v1/sandbox/webhook-endpoints/${await newEndpoint()}/test` }),
    revokeApiKey: async () => {
      const created = await stack.http('POST', '/v1/api-keys', { name: 'to revoke', role: 'support' });
      return { path: `/v1/api-keys/${created.body.id}` };
    },
  };
}

/** An office with one connection, the fixtures every request above refers to. */
export async function seedRequestContext(stack: TestStack): Promise<RequestContext> {
  const officeId = (
    await stack.http('POST', '/v1/offices', { name: 'Office A', language: 'fr', contactEmail: 'a@example.be' })
  ).body.id as string;
  const connection = await stack.http('POST', '/v1/connections', {
    officeId,
    provider: 'ponto',
    ownerLanguage: 'fr',
    ibans: ['BE68539007547034'],
    validUntil: new Date(Date.now() + 60 * DAY).toISOString(),
  });
  return { stack, officeId, connectionId: connection.body.id as string };
}
