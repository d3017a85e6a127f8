/**
 * Runs a batch of race cases at once on one time-skipping server: each case its own connection,
 * consent workflow and renewal driver (a tiny workflow that renews at the case's instant), then
 * lets server time run past every renewed deadline and judges each case.
 */
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { RunDetails } from 'fast-check';
import { consentRenewalWorkflowId } from '../../../workflows/consent-renewal/contract.js';
import type { consentRenewalWorkflow } from '../../../workflows/consent-renewal/workflow.js';
import { DAY, describeCase, violations, type Observed, type RaceCase } from './cases.js';
import type { DriverActivities, renewalDriver } from './driver-workflow.js';

export interface RaceSystem {
  /** Registers the case's connection with its first deadline (its consent workflow starts); its id. */
  register(c: RaceCase, index: number): Promise<string>;
  /** The aggregator's renewal, at the driver's instant: the database, then (if `signal`) the workflow. */
  renew: DriverActivities['renew'];
  /** What happened to a connection so far. */
  observed(connectionId: string): Observed;
}

let driverBundle: Promise<WorkflowBundleWithSourceMap> | undefined;
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
/** The renewal driver's bundle, built once per test file. */
export const renewalDriverBundle = () =>
  (driverBundle ??= bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./driver-workflow.ts', import.meta.url)),
    logger: silent,
  }));

/** Cases start 50 at a time: enough to keep the server busy, not so many that starts time out. */
const START_CHUNK = 50;

/** Runs every case at once; the cases that broke a rule, one description each (empty: all held). */
export async function runRace(env: TestWorkflowEnvironment, cases: RaceCase[], system: RaceSystem): Promise<string[]> {
  const driverQueue = `race-driver-${Math.random().toString(36).slice(2)}`;
  const driver = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: driverQueue,
    workflowBundle: await renewalDriverBundle(),
    activities: { renew: system.renew },
    maxCachedWorkflows: cases.length + 100,
  });
  const ids: string[] = [];
  const results = await driver.runUntil(async () => {
    for (let from = 0; from < cases.length; from += START_CHUNK) {
      await Promise.all(
        cases.slice(from, from + START_CHUNK).map(async (c, offset) => {
          const connectionId = await system.register(c, from + offset);
          ids[from + offset] = connectionId;
          await env.client.workflow.start<typeof renewalDriver>('renewalDriver', {
            workflowId: `race-driver:${connectionId}`,
            taskQueue: driverQueue,
            args: [
              {
                connectionId,
                renewAtMs: c.renewAtMs,
                validUntil: new Date(c.newUntilMs).toISOString(),
                signalAfterMs: c.delivery.kind === 'webhook' ? 0 : c.delivery.signalAfterMs,
              },
            ],
          });
        }),
      );
    }
    // Past every renewed deadline: every connection's last run has ended.
    const end = Math.max(...cases.map((c) => c.newUntilMs)) + 2 * DAY;
    await env.sleep(end - ((await env.currentTimeMs()) as number));
    // A plain client: the test environment's own one unlocks time skipping around each result(), and
    // hundreds of those at once unbalance the test server's lock count.
    const client = new Client({ connection: env.connection, namespace: env.namespace });
    return Promise.all(
      ids.map((id) =>
        client.workflow
          .getHandle<typeof consentRenewalWorkflow>(consentRenewalWorkflowId(id))
          .result()
          .then(
            (result) => result,
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          ),
      ),
    );
  });
  return cases.flatMap((c, i) => {
    const problems = violations(c, system.observed(ids[i]!));
    const result = results[i];
    if (result instanceof Error) problems.push(`last run failed: ${result.message}`);
    else if (result?.status !== 'expired' || Date.parse(result.validUntil) !== c.newUntilMs)
      problems.push(`last run ended ${result?.status} on ${result?.validUntil}, not expired on the new deadline`);
    return problems.length > 0 ? [`${describeCase(c)}:\n    ${problems.join('\n    ')}`] : [];
  });
}

/** fast-check's report: the seed to replay, and the broken cases (not the whole batch). */
export function raceReporter<Ts>(details: RunDetails<Ts>): void {
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`property failed, replay with CONSENT_RACE_SEED=${details.seed}:\n${cause}`);
}

/** The batch's verdict, as an assertion message that lists the first broken cases. */
export function expectNoneBroken(broken: string[], total: number): void {
  if (broken.length > 0)
    throw new Error(`${broken.length} of ${total} cases broke:\n${broken.slice(0, 20).join('\n')}`);
}
