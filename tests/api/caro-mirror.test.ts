import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaroActivities } from '../../activities/caro/activities.js';
import { caroDepsFromEnv } from '../../activities/caro/links.js';
import { OutboxSender } from '../../activities/email/sender.js';
import { caroHead, rowWithFacts } from '../../api/services/cases/head.js';
import { createLinkBuilder } from '../../lib/links/links.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { silentLogger, TEST_LINK_ENV, TEST_LINK_SECRET, TEST_PUBLIC_BASE_URL } from '../helpers/stack.js';

// The workflow owns the order's status; the activities mirror it with the workflow's transition
// count. A retried or late mirror (an attempt that outlived its timeout) never takes it back.
let db: TestDatabase;
let caro: ReturnType<typeof createCaroActivities>;

beforeAll(async () => {
  db = await createTestDatabase();
  caro = createCaroActivities({
    prisma: db.prisma,
    logger: silentLogger,
    email: new OutboxSender(),
    links: createLinkBuilder({ publicBaseUrl: TEST_PUBLIC_BASE_URL, secret: TEST_LINK_SECRET }),
    caro: caroDepsFromEnv(TEST_LINK_ENV),
  });
});
afterAll(async () => {
  await db?.stop();
});

async function newOrder(): Promise<string> {
  const office = await db.prisma.office.create({
    data: { name: 'Fiduciaire Dupont', language: 'fr', contactEmail: 'office@example.be' },
  });
  const client = await db.prisma.client.create({
    data: { officeId: office.id, companyName: 'Garage Martin SRL', clientCode: 'C-1', language: 'fr' },
  });
  const order = await db.prisma.caroOrder.create({
    data: {
      clientId: client.id,
      clientReference: 'REF-1',
      cardholderEmail: 'holder@example.be',
      cardholderLanguage: 'fr',
      workflowId: `caro:${client.id}`,
    },
  });
  return order.id;
}

const expiresAt = new Date(Date.now() + 56 * 86_400_000).toISOString();
const row = (orderId: string) => db.prisma.caroOrder.findUniqueOrThrow({ where: { id: orderId } });

describe('CARO state mirror (version guard)', () => {
  it('ignores a mirror older than the one stored: a late failure after the activation, a late invitation', async () => {
    const orderId = await newOrder();
    const key = (step: string) => `caro:${orderId}/${step}`;
    await caro.sendCaroInvitation({
      orderId,
      version: 1,
      linkVersion: 1,
      linkExpiresAt: expiresAt,
      idempotencyKey: key('v1/invitation'),
    });
    expect(await row(orderId)).toMatchObject({ status: 'invitation_sent', stateVersion: 1, linkVersion: 1 });
    await caro.recordCaroProblem({
      orderId,
      version: 2,
      reason: 'debit_card',
      at: '2026-11-20T10:00:00Z',
      idempotencyKey: key('v1/failure/1'),
    });
    expect(await row(orderId)).toMatchObject({ status: 'problem', problemReason: 'debit_card', stateVersion: 2 });
    await caro.activateCaroOrder({
      orderId,
      version: 3,
      statementsFrom: '2026-12-01T00:00:00.000Z',
      activatedAt: '2026-11-27T10:00:00Z',
      idempotencyKey: key('v1/confirmation'),
    });
    expect(await row(orderId)).toMatchObject({ status: 'active', stateVersion: 3, cardholderEmail: null });

    // The failure's activity again (a retry that outlived its timeout), and the first invitation's.
    await caro.recordCaroProblem({
      orderId,
      version: 2,
      reason: 'debit_card',
      at: '2026-11-20T10:00:00Z',
      idempotencyKey: key('v1/failure/1'),
    });
    await caro.sendCaroInvitation({
      orderId,
      version: 1,
      linkVersion: 1,
      linkExpiresAt: expiresAt,
      idempotencyKey: key('v1/invitation'),
    });
    expect(await row(orderId)).toMatchObject({
      status: 'active',
      problemReason: null,
      stateVersion: 3,
      statementsFrom: new Date('2026-12-01T00:00:00.000Z'),
    });

    await caro.closeCaroOrder({ orderId, version: 4, status: 'cancelled' });
    await caro.closeCaroOrder({ orderId, version: 3, status: 'invitation_expired' });
    expect(await row(orderId)).toMatchObject({ status: 'cancelled', stateVersion: 4 });
  });

  it('counts a reminder on its own invitation only: a late one of a replaced invitation changes nothing', async () => {
    const orderId = await newOrder();
    const invite = (version: number, linkVersion: number) =>
      caro.sendCaroInvitation({
        orderId,
        version,
        linkVersion,
        linkExpiresAt: expiresAt,
        idempotencyKey: `caro:${orderId}/v${linkVersion}/invitation`,
      });
    const remind = (version: number, linkVersion: number, number: number) =>
      caro.sendCaroReminder({
        orderId,
        version,
        linkVersion,
        linkExpiresAt: expiresAt,
        number,
        of: 3,
        idempotencyKey: `caro:${orderId}/v${linkVersion}/reminder/${number}`,
      });
    await invite(1, 1);
    await remind(1, 1, 1);
    expect(await row(orderId)).toMatchObject({ reminderCount: 1, stateVersion: 1 });
    await invite(2, 2); // resend: the schedule starts again
    expect(await row(orderId)).toMatchObject({ reminderCount: 0, linkVersion: 2, stateVersion: 2 });
    await remind(1, 1, 2); // reminder 2 of the first invitation, late
    expect(await row(orderId)).toMatchObject({ reminderCount: 0, lastReminderAt: null, stateVersion: 2 });
    await remind(2, 2, 1);
    expect(await row(orderId)).toMatchObject({ reminderCount: 1, stateVersion: 2 });
  });
});

describe('a case read while its mirror commits (rowWithFacts)', () => {
  it('reads the row again when the history it read is ahead of it: the first step comes with its link dates', async () => {
    const orderId = await newOrder();
    const schedules = { consentSchedule: DEFAULT_CONSENT_SCHEDULE };
    let reads = 0;
    const { row: order, facts } = await rowWithFacts(
      db.prisma,
      async () => {
        const read = await row(orderId);
        // The invitation's mirror commits right after the API read the row, before it reads the history.
        if (++reads === 1)
          await caro.sendCaroInvitation({
            orderId,
            version: 1,
            linkVersion: 1,
            linkExpiresAt: expiresAt,
            idempotencyKey: `caro:${orderId}/v1/invitation`,
            transition: {
              at: new Date().toISOString(),
              from: null,
              to: 'invitation_sent',
              event: 'ordered',
              actor: { kind: 'api-key', id: 'k' },
            },
          });
        return read;
      },
      (o) => o.stateVersion,
      (o) => caroHead(o, schedules),
    );
    expect(reads).toBe(2);
    expect(order).toMatchObject({ stateVersion: 1, linkExpiresAt: new Date(expiresAt) });
    expect(facts.history.map((h) => h.version)).toEqual([1]);
    expect(facts.nextStep).toMatchObject({ kind: 'reminder', number: 1 });
  });
});
