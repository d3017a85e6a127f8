import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLinkToken } from '../../lib/links/token.js';
import { CONNECTION_STATUSES, type ConnectionStatus } from '../../workflows/consent-renewal/contract.js';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { startTestStack, TEST_LINK_SECRET, TEST_PUBLIC_BASE_URL, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

const DAY = 86_400_000;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeId: string;
let accountant: string;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  officeId = (
    await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Dupont',
      language: 'fr',
      contactEmail: 'office@example.be',
    })
  ).body.id;
  accountant = await stack.key('accountant', officeId);
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

/**
 * A connection `days` from its deadline; a status other than connected is reported through the sandbox (the
 * aggregator's webhook).
 */
async function connection(
  days: number,
  opts: { status?: ConnectionStatus; ownerEmail?: string | null } = {},
): Promise<string> {
  const ownerEmail = opts.ownerEmail === undefined ? 'owner@example.be' : opts.ownerEmail;
  const created = await stack.http('POST', '/v1/connections', {
    officeId,
    provider: 'ponto',
    ...(ownerEmail ? { ownerEmail } : {}),
    ownerLanguage: 'nl',
    ibans: ['BE68539007547034'],
    validUntil: new Date(Date.now() + days * DAY).toISOString(),
  });
  expect(created.status).toBe(202);
  const id = created.body.id as string;
  if (opts.status === 'expires_soon' || opts.status === 'expired') {
    // Only the consent workflow sets these two; the aggregator cannot report them.
    await stack.db.prisma.connection.update({ where: { id }, data: { status: opts.status } });
  } else if (opts.status && opts.status !== 'connected') {
    const sent = await stack.http('POST', '/v1/sandbox/webhooks/aggregator', {
      type: 'connection.status_changed',
      data: { connectionId: id, status: opts.status },
    });
    expect(sent.body.webhook.status).toBe(202);
  }
  return id;
}

const outbox = (caseId: string) =>
  stack.db.prisma.emailOutbox.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } });
const post = (path: string, key = accountant) => stack.http('POST', path, undefined, { key });

describe('POST /v1/connections/:id/remind', () => {
  it('reminds the owner at once, records it on the case, and refuses a second one within 24 h (429 + Retry-After)', async () => {
    const id = await connection(10);
    const res = await post(`/v1/connections/${id}/remind`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectDeclaredResponse('remindConnectionOwner', 200, res.body);
    expect(res.body).toMatchObject({ connectionId: id, daysBefore: 10 });
    const [mail] = await outbox(id);
    expect(mail).toMatchObject({
      template: 'consent.reminder',
      language: 'nl',
      toAddress: 'owner@example.be',
      status: 'sent',
      subject: 'Uw bankkoppeling verloopt over 10 dagen',
    });
    expect(mail!.idempotencyKey).toMatch(new RegExp(`^connection:${id}/.+/manual-reminder/1$`));

    const detail = await stack.http('GET', `/v1/connections/${id}`, undefined, { key: accountant });
    expect(detail.body.reminders).toEqual([
      {
        kind: 'manual',
        daysBefore: null,
        forValidUntil: detail.body.validUntil,
        sentAt: expect.any(String),
        toAddress: 'owner@example.be',
      },
    ]);

    const again = await post(`/v1/connections/${id}/remind`);
    expect(again.status).toBe(429);
    expect(again.body).toMatchObject({ code: 'reminder_too_soon' });
    // The workflow's clock and the record's differ by the time the e-mail took.
    expect(Math.abs(Date.parse(again.body.nextAllowedAt) - Date.parse(res.body.nextAllowedAt))).toBeLessThan(5_000);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
    expect(await outbox(id)).toHaveLength(1);
    const audit = await stack.db.prisma.auditEvent.findMany({ where: { resourceId: id, action: 'connection.remind' } });
    expect(audit).toHaveLength(1);
  });

  it.each([
    ['a consent far from its deadline', 60, 'connected', /within 15 days/],
    ['an expired consent', 5, 'expired', /expired/],
    ['a status a reminder does not fix', 10, 'access_lost', /access_lost: invite the user again/],
    ['a missing journal', 10, 'journal_missing', /journal_missing/],
  ] as const)('answers 409 for %s, sending nothing', async (_what, days, status, detail) => {
    const id = await connection(days, { status });
    const res = await post(`/v1/connections/${id}/remind`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'reminder_not_applicable', detail: expect.stringMatching(detail) });
    expect(await outbox(id)).toEqual([]);
  });

  it('answers 409 owner_email_missing when no address is on file, and does not count it', async () => {
    const id = await connection(10, { ownerEmail: null });
    expect((await post(`/v1/connections/${id}/remind`)).body).toMatchObject({
      status: 409,
      code: 'owner_email_missing',
    });
    expect((await post(`/v1/connections/${id}/remind`)).body).toMatchObject({
      status: 409,
      code: 'owner_email_missing',
    });
    expect(await stack.db.prisma.reminderSent.count({ where: { caseId: id } })).toBe(0);
  });

  it('is not for support, nor for another office (404)', async () => {
    const id = await connection(10);
    expect((await post(`/v1/connections/${id}/remind`, await stack.key('support'))).status).toBe(403);
    const otherOffice = (
      await stack.http('POST', '/v1/offices', { name: 'Other', language: 'nl', contactEmail: 'o@example.be' })
    ).body.id;
    expect((await post(`/v1/connections/${id}/remind`, await stack.key('accountant', otherOffice))).status).toBe(404);
    expect(await outbox(id)).toEqual([]);
  });
});

describe('POST /v1/connections/:id/invitation', () => {
  it.each(['account_not_found', 'access_lost'] as const)(
    '%s: e-mails the owner a new invitation with a signed link, recorded on the case',
    async (status) => {
      const id = await connection(60, { status });
      const res = await post(`/v1/connections/${id}/invitation`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectDeclaredResponse('inviteConnectionOwner', 200, res.body);
      expect(Date.parse(res.body.linkExpiresAt) - Date.parse(res.body.sentAt)).toBe(14 * DAY);
      const [mail] = await outbox(id);
      expect(mail).toMatchObject({
        template: 'consent.invitation',
        language: 'nl',
        toAddress: 'owner@example.be',
        status: 'sent',
      });
      expect(mail!.subject).toBe(
        status === 'account_not_found'
          ? 'Uw bankkoppeling moet hersteld worden'
          : 'Nieuwe uitnodiging: koppel uw bank opnieuw',
      );
      const token = new RegExp(`${TEST_PUBLIC_BASE_URL}/l/(\\S+)`).exec(mail!.text)?.[1];
      expect(token).toBeDefined();
      const claims = verifyLinkToken(token!, TEST_LINK_SECRET, {
        purpose: 'connection-invitation',
        now: new Date(res.body.sentAt),
      });
      expect(claims).toMatchObject({
        subject: id,
        expiresAt: new Date(Math.floor(Date.parse(res.body.linkExpiresAt) / 1000) * 1000),
      });
      // The link opens (no API key: the token is the credential) while the connection needs the owner.
      const opened = await stack.http('GET', `/l/${token}`, undefined, { key: null });
      expect(opened).toMatchObject({
        status: 200,
        body: { purpose: 'connection-invitation', connectionId: id, provider: 'ponto' },
      });

      const detail = await stack.http('GET', `/v1/connections/${id}`);
      expect(detail.body.invitations).toEqual([
        { number: 1, sentAt: expect.any(String), toAddress: 'owner@example.be' },
      ]);
      // A second one within the hour is a double click: 429, nothing sent.
      expect((await post(`/v1/connections/${id}/invitation`)).body).toMatchObject({
        status: 429,
        code: 'invitation_too_soon',
      });
      expect(await outbox(id)).toHaveLength(1);
      await stack.db.prisma.reminderSent.updateMany({
        where: { caseId: id, kind: 'invitation' },
        data: { sentAt: new Date(Date.now() - 2 * 3_600_000) },
      });
      expect((await post(`/v1/connections/${id}/invitation`)).status).toBe(200);
      expect(
        (await stack.http('GET', `/v1/connections/${id}`)).body.invitations.map((i: { number: number }) => i.number),
      ).toEqual([1, 2]);
    },
  );

  it('closes the invitation link once the connection is no longer one an invitation repairs (not_connected included)', async () => {
    const id = await connection(60, { status: 'access_lost' });
    expect((await post(`/v1/connections/${id}/invitation`)).status).toBe(200);
    const [mail] = await outbox(id);
    const token = new RegExp(`${TEST_PUBLIC_BASE_URL}/l/(\\S+)`).exec(mail!.text)?.[1];
    expect((await stack.http('GET', `/l/${token}`, undefined, { key: null })).status).toBe(200);
    // Permission given, bank link not completed: the office completes the link; the invitation is spent.
    const sent = await stack.http('POST', '/v1/sandbox/webhooks/aggregator', {
      type: 'connection.status_changed',
      data: { connectionId: id, status: 'not_connected' },
    });
    expect(sent.body.webhook.status).toBe(202);
    expect(await stack.http('GET', `/l/${token}`, undefined, { key: null })).toMatchObject({
      status: 410,
      body: { code: 'link_closed' },
    });
  });

  it('answers 409 with a clear message when the status does not call for it', async () => {
    for (const status of ['connected', 'journal_missing', 'not_connected'] as const) {
      const id = await connection(60, { status });
      const res = await post(`/v1/connections/${id}/invitation`);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({
        code: 'invitation_not_applicable',
        detail: expect.stringContaining(`this one is ${status}`),
      });
      expect(await outbox(id)).toEqual([]);
    }
  });
});

describe('POST /v1/connections/:id/journal-created', () => {
  it('clears journal_missing: connected, or expires_soon within 15 days of the deadline; 409 otherwise', async () => {
    const far = await connection(60, { status: 'journal_missing' });
    const res = await post(`/v1/connections/${far}/journal-created`);
    expect(res.status).toBe(200);
    expectDeclaredResponse('reportJournalCreated', 200, res.body);
    expect(res.body).toMatchObject({ status: 'connected', action: 'none' });

    const near = await connection(10, { status: 'journal_missing' });
    expect((await post(`/v1/connections/${near}/journal-created`)).body).toMatchObject({
      status: 'expires_soon',
      action: 'renew the consent',
    });

    const again = await post(`/v1/connections/${far}/journal-created`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'journal_not_missing',
      detail: expect.stringContaining('this one is connected'),
    });
  });
});

describe('the office list (docs/domain.md#journey-3-consent-renewal)', () => {
  it('shows every status with the action it asks for', async () => {
    const office = (
      await stack.http('POST', '/v1/offices', { name: 'Statuses', language: 'nl', contactEmail: 's@example.be' })
    ).body.id;
    const key = await stack.key('accountant', office);
    const ids = new Map<string, ConnectionStatus>();
    for (const status of Object.keys(CONNECTION_STATUSES) as ConnectionStatus[]) {
      const created = await stack.http(
        'POST',
        '/v1/connections',
        {
          provider: 'ponto',
          ownerLanguage: 'nl',
          ibans: ['BE68539007547034'],
          validUntil: new Date(Date.now() + 60 * DAY).toISOString(),
        },
        { key },
      );
      if (status === 'expires_soon' || status === 'expired')
        await stack.db.prisma.connection.update({ where: { id: created.body.id }, data: { status } });
      else if (status !== 'connected')
        expect(
          (
            await stack.webhook('aggregator', {
              eventId: `list-${created.body.id}`,
              type: 'connection.status_changed',
              occurredAt: new Date().toISOString(),
              data: { connectionId: created.body.id, status },
            })
          ).status,
        ).toBe(202);
      ids.set(created.body.id, status);
    }
    const list = await stack.http('GET', '/v1/connections?limit=50', undefined, { key });
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { id: string; status: string; action: string }) => [c.status, c.action])).toEqual(
      Object.entries(CONNECTION_STATUSES).map(([status, action]) => [status, action]),
    );
    // Written by PostgreSQL (services/connection-list.ts): the same keys, order and values as the model's objects.
    const rows = await stack.db.prisma.connection.findMany({ where: { officeId: office }, orderBy: { id: 'asc' } });
    const shown = rows.map(({ statusVersion: _v, ...c }) => ({ ...c, action: CONNECTION_STATUSES[c.status] }));
    expect(JSON.stringify(list.body)).toBe(JSON.stringify({ data: shown, nextCursor: null }));
    expect(list.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const first = await stack.http('GET', '/v1/connections?limit=2', undefined, { key });
    expect(first.body).toEqual({ data: JSON.parse(JSON.stringify(shown.slice(0, 2))), nextCursor: rows[1]!.id });
    const second = await stack.http('GET', `/v1/connections?limit=2&cursor=${rows[1]!.id}`, undefined, { key });
    expect(second.body.data.map((c: { id: string }) => c.id)).toEqual(rows.slice(2, 4).map((r) => r.id));
    for (const [id, status] of ids) {
      const filtered = await stack.http('GET', `/v1/connections?status=${status}`, undefined, { key });
      expect(filtered.body.data).toEqual([
        expect.objectContaining({ id, status, action: CONNECTION_STATUSES[status] }),
      ]);
    }
  });
});
