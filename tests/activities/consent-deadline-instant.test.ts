import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionActivities } from '../../activities/connections/activities.js';
import type { EmailSender, OutgoingMessage, SendReceipt } from '../../activities/email/sender.js';
import { storeRenewal } from '../../api/services/consent.js';
import type { PrismaClient } from '../../lib/db/client.js';
import { createLinkBuilder } from '../../lib/links/links.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { silentLogger, TEST_LINK_SECRET, TEST_PUBLIC_BASE_URL } from '../helpers/stack.js';

// A renewal reaches the database at the deadline's own instant (or a reminder's): the aggregator's
// webhook writes the new deadline while the consent workflow's expiry (or reminder) activity runs.
// Every interleaving, deterministically: the renewal lands right after the activity's 1st, 2nd, …
// database call (each call, a transaction included, is atomic), on the real activities and
// PostgreSQL. What the product guarantees at that instant, whichever comes first:
// - the renewal is never lost, and nobody hears of the old deadline once the renewal is stored,
//   except a message queued before it (decided while the old deadline held: it goes out);
// - a message that is not sent tells the workflow the consent was renewed (it plans the new deadline);
// - the status, its timeline and the event feed agree: a change is recorded only with its write.
// tests/e2e/consent-renewal-race-property.test.ts races the same at random through the whole stack.

const OLD = '2027-03-28T01:30:00.000Z';
const NEW = new Date('2027-09-23T08:02:40.000Z');
let db: TestDatabase;
let officeId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  officeId = (
    await db.prisma.office.create({
      data: { name: 'Fiduciaire Dupont', language: 'fr', contactEmail: 'office@example.be' },
    })
  ).id;
});
afterAll(async () => {
  await db?.stop();
});

/** The transport, recording each hand-over and whether the renewal was stored by then. */
class RecordingSender implements EmailSender {
  readonly transport = 'outbox' as const;
  readonly handedOver: { key: string; afterRenewal: boolean }[] = [];
  constructor(private readonly renewed: () => boolean) {}
  async send(_message: OutgoingMessage, idempotencyKey: string): Promise<SendReceipt> {
    this.handedOver.push({ key: idempotencyKey, afterRenewal: this.renewed() });
    return { providerMessageId: null };
  }
}

/**
 * `prisma` as the activity sees it, with `renew` run once right after its `step`-th database call
 * (a model call or a transaction; calls inside a transaction belong to it), before it goes on.
 */
function renewingAfter(prisma: PrismaClient, step: number, renew: () => Promise<void>) {
  let calls = 0;
  const after = async (result: unknown) => {
    if (++calls === step) await renew();
    return result;
  };
  const counted = (target: object): object =>
    new Proxy(target, {
      get(t, prop) {
        const value: unknown = Reflect.get(t, prop);
        if (typeof value === 'function')
          return (...args: unknown[]) => (value.apply(t, args) as Promise<unknown>).then(after);
        return typeof value === 'object' && value !== null && typeof prop === 'string' && !prop.startsWith('$')
          ? counted(value)
          : value;
      },
    });
  return { client: counted(prisma) as PrismaClient, calls: () => calls };
}

interface Raced<R> {
  id: string;
  result: R;
  /** Database calls the activity made. */
  calls: number;
  handedOver: { key: string; afterRenewal: boolean }[];
  /** Messages of this connection in the outbox when the renewal landed (undefined: it did not). */
  queuedAtRenewal: number | undefined;
}

/** A connection due at OLD, and `activity` run on it with the renewal to NEW landing after its `step`-th call. */
async function race<R>(
  status: 'connected' | 'expires_soon',
  step: number,
  activity: (a: ReturnType<typeof createConnectionActivities>, id: string) => Promise<R>,
): Promise<Raced<R>> {
  const { id } = await db.prisma.connection.create({
    data: {
      officeId,
      provider: 'ponto',
      ownerEmail: 'owner@example.be',
      ownerLanguage: 'nl',
      ibans: ['BE68539007547034'],
      validUntil: new Date(OLD),
      status,
      statusVersion: 2,
      workflowId: `consent-instant-${status}-${step}-${Math.random().toString(36).slice(2)}`,
    },
  });
  let queuedAtRenewal: number | undefined;
  const renew = async () => {
    queuedAtRenewal = await db.prisma.emailOutbox.count({ where: { caseId: id } });
    expect(await storeRenewal(db.prisma, id, NEW)).toBe(true);
  };
  const prisma = renewingAfter(db.prisma, step, renew);
  const email = new RecordingSender(() => queuedAtRenewal !== undefined);
  const activities = createConnectionActivities({
    prisma: prisma.client,
    logger: silentLogger,
    email,
    links: createLinkBuilder({ publicBaseUrl: TEST_PUBLIC_BASE_URL, secret: TEST_LINK_SECRET }),
  });
  if (step === 0) await renew();
  const result = await activity(activities, id);
  return { id, result, calls: prisma.calls(), handedOver: email.handedOver, queuedAtRenewal };
}

/** The row's status, and the transitions to `to` and their events, for the timeline and the feed. */
async function recorded(id: string, to: 'expired' | 'expires_soon') {
  const row = await db.prisma.connection.findUniqueOrThrow({ where: { id } });
  const transitions = await db.prisma.caseTransition.count({ where: { caseId: id, toState: to } });
  const events = await db.prisma.event.count({ where: { subjectId: id, type: `connection.${to}` } });
  return { row, transitions, events };
}

/** Every step the renewal can land after: before the activity (0), after each of its calls, never (last). */
async function everyStep<R>(run: (step: number) => Promise<Raced<R>>, check: (raced: Raced<R>) => Promise<void>) {
  const alone = await run(Number.POSITIVE_INFINITY);
  expect(alone.calls).toBeGreaterThan(3);
  await check(alone);
  for (let step = 0; step <= alone.calls; step++) {
    const raced = await run(step);
    await check(raced).catch((error: unknown) => {
      throw new Error(`renewal after database call ${step} of ${alone.calls}: ${String(error)}`, { cause: error });
    });
  }
}

describe('a renewal stored at the deadline instant, after any step of the expiry', () => {
  it('tells owner and office only of an expiry decided before the renewal; otherwise nobody, and the new deadline is planned', async () => {
    const outcomes = new Set<string>();
    await everyStep(
      (step) =>
        race('expires_soon', step, (a, id) =>
          a.markConsentExpired({
            connectionId: id,
            validUntil: OLD,
            idempotencyKey: `connection:${id}/${OLD}/expired`,
            statusVersion: 3,
            at: OLD,
          }),
        ),
      async ({ id, result, handedOver, queuedAtRenewal }) => {
        const renewed = queuedAtRenewal !== undefined;
        const { row, transitions, events } = await recorded(id, 'expired');
        // The timeline and the feed say what the row says.
        expect(transitions).toBe(row.status === 'expired' ? 1 : 0);
        expect(events).toBe(transitions);
        if (renewed) expect(row.validUntil).toEqual(NEW);
        if (handedOver.length > 0) {
          outcomes.add('told');
          expect(handedOver.map((h) => h.key.slice(h.key.lastIndexOf('/') + 1))).toEqual(['owner', 'office']);
          // Told after the renewal only if its message was queued before it, the expiry recorded first.
          if (handedOver.some((h) => h.afterRenewal)) {
            outcomes.add('told, queued before the renewal');
            expect(queuedAtRenewal).toBeGreaterThan(0);
          }
          expect(row.status).toBe('expired');
          expect(result.renewedUntil).toBeUndefined();
        } else {
          outcomes.add(row.status === 'expired' ? 'recorded, renewed before told' : 'renewed first');
          expect(renewed).toBe(true);
          expect(await db.prisma.emailOutbox.count({ where: { caseId: id } })).toBe(0);
          expect(result.renewedUntil).toBe(NEW.toISOString());
        }
      },
    );
    // Every outcome was met, not only the easy ones.
    expect([...outcomes].sort()).toEqual([
      'recorded, renewed before told',
      'renewed first',
      'told',
      'told, queued before the renewal',
    ]);
  });
});

describe('a renewal stored at a reminder instant, after any step of the reminder', () => {
  it('reminds of the old deadline only when the reminder was queued before the renewal; otherwise reports it renewed', async () => {
    const outcomes = new Set<string>();
    await everyStep(
      (step) =>
        race('connected', step, (a, id) =>
          a.sendConsentReminder({
            connectionId: id,
            validUntil: OLD,
            daysBefore: 15,
            idempotencyKey: `connection:${id}/${OLD}/reminder/15`,
            statusVersion: 3,
            at: '2027-03-13T08:00:00.000Z',
          }),
        ),
      async ({ id, result, handedOver, queuedAtRenewal }) => {
        const { row, transitions, events } = await recorded(id, 'expires_soon');
        expect(transitions).toBe(row.status === 'expires_soon' ? 1 : 0);
        expect(events).toBe(transitions);
        const reminders = await db.prisma.reminderSent.count({ where: { caseId: id } });
        if (handedOver.length > 0) {
          outcomes.add(handedOver[0]!.afterRenewal ? 'sent, queued before the renewal' : 'sent');
          if (handedOver[0]!.afterRenewal) expect(queuedAtRenewal).toBeGreaterThan(0);
          expect(result).toEqual({ sent: true });
          expect(reminders).toBe(1);
        } else {
          outcomes.add('renewed first');
          expect(queuedAtRenewal).toBe(0);
          expect(result).toEqual({ sent: false, reason: 'renewed' });
          expect(reminders).toBe(0);
        }
      },
    );
    expect([...outcomes].sort()).toEqual(['renewed first', 'sent', 'sent, queued before the renewal']);
  });
});
