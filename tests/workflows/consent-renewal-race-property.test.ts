import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createConnectionActivities } from '../../activities/connections/activities.js';
import {
  consentRenewalWorkflowId,
  consentRenewedSignal,
  DEFAULT_CONSENT_SCHEDULE,
} from '../../workflows/consent-renewal/contract.js';
import { planConsentReminders } from '../../workflows/consent-renewal/plan.js';
import type { consentRenewalWorkflow } from '../../workflows/consent-renewal/workflow.js';
import { localParts } from '../../workflows/shared/local-time.js';
import { productBundle } from '../helpers/workflow-bundle.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { DAY, envCount, fullPlan, nextNewYear, raceCaseArb, raceSeed, type Observed } from './consent-race/cases.js';
import { expectNoneBroken, raceReporter, renewalDriverBundle, runRace, type RaceSystem } from './consent-race/run.js';
import { transition } from '../../workflows/consent-renewal/rules.js';

// Issue 17 §7: no reminder after a renewal, under any timing. Renewal timings are generated around
// each reminder instant (15, 3, 1 days before at 09:00 Brussels), the deadline and the clock
// changes, delivered by webhook or only stored (the signal later, or never); see consent-race/.
// - The plan property: CONSENT_RACE_RUNS timings (1,000 by default) against the pure plan.
// - The workflow property: CONSENT_RACE_WORKFLOW_RUNS timings (100 by default) through the real
//   workflow, all at once on one time-skipping server, with activities over an in-memory database
//   that decide as the real ones do (the deadline a reminder was planned for against the stored one);
//   they also record what the workflow asked for, so that its own part is checked: once signalled,
//   nothing more is asked for the old deadline.
// The real activities, PostgreSQL and webhook: tests/e2e/consent-renewal-race-property.test.ts.
// CONSENT_RACE_SEED draws other timings (fixed by default, printed on failure).
const PLAN_RUNS = envCount('CONSENT_RACE_RUNS', 1000);
const WORKFLOW_RUNS = envCount('CONSENT_RACE_WORKFLOW_RUNS', 100);
const SCHEDULE = DEFAULT_CONSENT_SCHEDULE;
type Activities = ReturnType<typeof createConnectionActivities>;

// A thousand runs log "planning anew" each: keep the SDK's warnings only.
Runtime.install({ logger: new DefaultLogger('WARN') });

describe('consent reminder plan under any renewal timing (pure)', () => {
  const newYear = nextNewYear(Date.now());

  it(`plans 09:00 Brussels on the right calendar days, and re-plans exactly what follows a renewal (${PLAN_RUNS} timings)`, () => {
    fc.assert(
      fc.property(raceCaseArb(newYear), (c) => {
        for (const until of [c.validUntilMs, c.newUntilMs]) {
          const plan = fullPlan(until);
          expect(plan.map((r) => r.daysBefore)).toEqual([15, 3, 1]);
          const deadline = localParts(until, SCHEDULE.timeZone);
          for (const r of plan) {
            const local = localParts(r.atMs, SCHEDULE.timeZone);
            expect([local.hour, local.minute, local.second]).toEqual([9, 0, 0]);
            const calendarDays =
              (Date.UTC(deadline.year, deadline.month - 1, deadline.day) -
                Date.UTC(local.year, local.month - 1, local.day)) /
              DAY;
            expect(calendarDays).toBe(r.daysBefore);
            expect(r.atMs).toBeLessThan(until);
          }
        }
        // A run planning at the renewal instant (continue-as-new) schedules the rest of the new plan...
        const replanned = planConsentReminders(c.newUntilMs, c.renewAtMs, SCHEDULE).map((r) => Date.parse(r.at));
        expect(replanned).toEqual(fullPlan(c.newUntilMs).flatMap((r) => (r.atMs > c.renewAtMs ? [r.atMs] : [])));
        // ...all of it: renewals are 90 or 180 days long, so every new reminder is ahead.
        expect(replanned).toHaveLength(3);
        // And a run planning the old deadline at that instant keeps only what is strictly ahead of it.
        const rest = planConsentReminders(c.validUntilMs, c.renewAtMs, SCHEDULE).map((r) => Date.parse(r.at));
        expect(rest).toEqual(fullPlan(c.validUntilMs).flatMap((r) => (r.atMs > c.renewAtMs ? [r.atMs] : [])));
      }),
      { numRuns: PLAN_RUNS, seed: raceSeed() },
    );
  });
});

/** The batch's in-memory database: each connection's stored deadline, and what went out, in order. */
function inMemorySystem(env: TestWorkflowEnvironment, taskQueue: string) {
  let seq = 0;
  const until = new Map<string, number>();
  const seen = new Map<string, Observed>();
  const observed = (id: string) => seen.get(id)!;
  const requested = (id: string, validUntil: string, activity: 'reminder' | 'expiry') =>
    observed(id).requested!.push({
      validUntilMs: Date.parse(validUntil),
      activity,
      scheduledMs: Context.current().info.currentAttemptScheduledTimestampMs,
    });
  const activities: Activities = {
    // Status bookkeeping (the deadline's own statuses) does not bear on what is sent.
    async applyConnectionStatus(req) {
      return { applied: true, status: transition(req.change, req.soon).to };
    },
    // As the real activity: planned for another deadline than the stored one → renewed, not sent.
    async sendConsentReminder(req) {
      const order = ++seq;
      requested(req.connectionId, req.validUntil, 'reminder');
      if (until.get(req.connectionId) !== Date.parse(req.validUntil)) return { sent: false, reason: 'renewed' };
      observed(req.connectionId).sent.push({
        validUntilMs: Date.parse(req.validUntil),
        daysBefore: req.daysBefore,
        seq: order,
        scheduledMs: Context.current().info.currentAttemptScheduledTimestampMs,
      });
      return { sent: true };
    },
    async sendConnectionInvitation() {
      throw new Error('no invitation in this test');
    },
    // As the real activity: a later stored deadline → not expired, planned from it.
    async markConsentExpired(req) {
      const order = ++seq;
      requested(req.connectionId, req.validUntil, 'expiry');
      const stored = until.get(req.connectionId)!;
      if (stored > Date.parse(req.validUntil)) return { expired: false, renewedUntil: new Date(stored).toISOString() };
      observed(req.connectionId).expired.push({ validUntilMs: Date.parse(req.validUntil), seq: order });
      return { expired: true };
    },
  };
  let batch = 0;
  const system: RaceSystem = {
    async register(c, index) {
      const connectionId = `race-${taskQueue}-${batch}-${index}`;
      until.set(connectionId, c.validUntilMs);
      seen.set(connectionId, { renewedSeq: undefined, sent: [], expired: [], requested: [] });
      await env.client.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
        workflowId: consentRenewalWorkflowId(connectionId),
        taskQueue,
        args: [{ connectionId, validUntil: new Date(c.validUntilMs).toISOString(), schedule: SCHEDULE }],
      });
      return connectionId;
    },
    // The webhook's renewConsent: guarded database update first, then signal-with-start.
    async renew({ connectionId, validUntil, signal }) {
      if (Date.parse(validUntil) > until.get(connectionId)!) {
        until.set(connectionId, Date.parse(validUntil));
        observed(connectionId).renewedSeq = ++seq;
      }
      if (!signal) return;
      await env.client.workflow.signalWithStart<typeof consentRenewalWorkflow, [{ validUntil: string }]>(
        'consentRenewalWorkflow',
        {
          workflowId: consentRenewalWorkflowId(connectionId),
          taskQueue,
          args: [{ connectionId, validUntil: new Date(until.get(connectionId)!).toISOString(), schedule: SCHEDULE }],
          signal: consentRenewedSignal,
          signalArgs: [{ validUntil }],
        },
      );
    },
    observed,
  };
  return { activities, system, nextBatch: () => batch++ };
}

describe('consent renewal workflow under any renewal timing (time-skipping)', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    await Promise.all([productBundle(), renewalDriverBundle()]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it(`never reminds of a renewed deadline, and sends all of the new one's reminders (${WORKFLOW_RUNS} timings at once)`, async () => {
    // Cases are laid out on a fixed calendar (next 1 January): the server's clock moves there first.
    const newYear = nextNewYear((await env.currentTimeMs()) as number);
    await env.sleep(newYear - ((await env.currentTimeMs()) as number));
    const taskQueue = `race-${Math.random().toString(36).slice(2)}`;
    const { activities, system, nextBatch } = inMemorySystem(env, taskQueue);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await productBundle(),
      activities,
      maxCachedWorkflows: WORKFLOW_RUNS + 100,
    });
    await worker.runUntil(
      fc.assert(
        fc.asyncProperty(
          fc.array(raceCaseArb(newYear), { minLength: WORKFLOW_RUNS, maxLength: WORKFLOW_RUNS }),
          async (cases) => {
            nextBatch();
            expectNoneBroken(await runRace(env, cases, system), cases.length);
          },
        ),
        { numRuns: 1, seed: raceSeed(), endOnFailure: true, reporter: raceReporter },
      ),
    );
  }, 600_000);
});
