import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailSender, SendReceipt } from '../../activities/email/sender.js';
import { storeRenewal } from '../../api/services/consent.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { envCount, nextNewYear, raceCaseArb, raceSeed, type Observed } from '../workflows/consent-race/cases.js';
import { expectNoneBroken, raceReporter, runRace, type RaceSystem } from '../workflows/consent-race/run.js';

// Issue 17 §7, end to end: a sample of the generated renewal timings (CONSENT_RACE_E2E_RUNS, 24 by
// default; the same generator as tests/workflows/consent-renewal-race-property.test.ts) through the
// real stack, all at once on one time-skipping server: connections registered over HTTP, the
// renewal through the sandbox's aggregator webhook (database, then signal-with-start) or written to
// PostgreSQL only (the signal later by the provider's retry, or never), the real activities and
// e-mail activity. A reminder counts as sent when the e-mail activity hands it to the transport.
const RUNS = envCount('CONSENT_RACE_E2E_RUNS', 24);

Runtime.install({ logger: new DefaultLogger('WARN') });

let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let seq = 0;
const seen = new Map<string, Observed>();
const observed = (connectionId: string) => {
  let entry = seen.get(connectionId);
  if (!entry) seen.set(connectionId, (entry = { renewedSeq: undefined, sent: [], expired: [] }));
  return entry;
};

/** `connection:<id>/<validUntil>/reminder/<days>` and `.../expired/owner`: the e-mail activity's keys. */
const KEY = /^connection:([^/]+)\/([^/]+)\/(?:reminder\/(\d+)|expired\/owner)$/;

/** The development outbox transport, recording the order and server instant of each hand-over. */
class RecordingSender implements EmailSender {
  readonly transport = 'outbox' as const;
  async send(_message: unknown, idempotencyKey: string): Promise<SendReceipt> {
    const order = ++seq;
    const match = KEY.exec(idempotencyKey);
    if (match) {
      const [, connectionId = '', validUntil = '', daysBefore] = match;
      const entry = observed(connectionId);
      if (daysBefore === undefined) entry.expired.push({ validUntilMs: Date.parse(validUntil), seq: order });
      else
        entry.sent.push({
          validUntilMs: Date.parse(validUntil),
          daysBefore: Number(daysBefore),
          seq: order,
          scheduledMs: Context.current().info.currentAttemptScheduledTimestampMs,
        });
    }
    return { providerMessageId: null };
  }
}

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal, { email: new RecordingSender() });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

describe('consent renewal race, end to end (time-skipping, PostgreSQL, webhook)', () => {
  it(`never reminds of a renewed deadline, and sends all of the new one's reminders (${RUNS} timings at once)`, async () => {
    const newYear = nextNewYear((await temporal.currentTimeMs()) as number);
    await temporal.sleep(newYear - ((await temporal.currentTimeMs()) as number));
    const office = await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Dupont',
      language: 'fr',
      contactEmail: 'office@example.be',
    });
    expect(office.status).toBe(201);

    const system: RaceSystem = {
      async register(c) {
        const created = await stack.http('POST', '/v1/connections', {
          officeId: office.body.id,
          provider: 'ponto',
          ownerEmail: 'owner@example.be',
          ownerLanguage: 'nl',
          ibans: ['BE68539007547034'],
          validUntil: new Date(c.validUntilMs).toISOString(),
        });
        if (created.status !== 202) throw new Error(`registration answered ${created.status}`);
        observed(created.body.id);
        return created.body.id;
      },
      async renew({ connectionId, validUntil, signal }) {
        const entry = observed(connectionId);
        if (!signal) {
          // What the webhook's renewConsent does first; its signal did not get through.
          if (await storeRenewal(stack.db.prisma, connectionId, new Date(validUntil))) entry.renewedSeq = ++seq;
          return;
        }
        const res = await stack.http('POST', '/v1/sandbox/webhooks/aggregator', {
          type: 'consent.renewed',
          data: { connectionId, validUntil },
        });
        if (res.body?.webhook?.status !== 202) throw new Error(`renewal webhook answered ${JSON.stringify(res.body)}`);
        // Stored by the time the webhook answered (a conservative bound: a send during the request is a race).
        entry.renewedSeq ??= ++seq;
      },
      observed,
    };
    await fc.assert(
      fc.asyncProperty(fc.array(raceCaseArb(newYear), { minLength: RUNS, maxLength: RUNS }), async (cases) => {
        expectNoneBroken(await runRace(temporal, cases, system), cases.length);
      }),
      { numRuns: 1, seed: raceSeed(), endOnFailure: true, reporter: raceReporter },
    );
  }, 600_000);
});
