/**
 * Test-only workflow (its own bundle and task queue): delivers one case's renewal at an exact
 * server instant, so that many cases race their reminders at once on one time-skipping server.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';

export interface RenewalRequest {
  connectionId: string;
  validUntil: string;
  /** false: the database only (the first half of a webhook whose signal failed). */
  signal: boolean;
}

export interface DriverActivities {
  /** What the aggregator's `consent.renewed` webhook does: the database, then signal-with-start. */
  renew(request: RenewalRequest): Promise<void>;
}

const { renew } = proxyActivities<DriverActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

export interface RenewalPlan {
  connectionId: string;
  renewAtMs: number;
  validUntil: string;
  /** 0: database and signal together (the webhook); later: database first, the signal after this; null: never. */
  signalAfterMs: number | null;
}

export async function renewalDriver(plan: RenewalPlan): Promise<void> {
  const wait = plan.renewAtMs - Date.now();
  if (wait > 0) await sleep(wait);
  const { connectionId, validUntil } = plan;
  if (plan.signalAfterMs === 0) return renew({ connectionId, validUntil, signal: true });
  await renew({ connectionId, validUntil, signal: false });
  if (plan.signalAfterMs === null) return;
  await sleep(plan.signalAfterMs);
  // The provider's retry: the whole webhook again (the database update is a no-op by then).
  await renew({ connectionId, validUntil, signal: true });
}
