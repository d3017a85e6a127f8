import { patched, proxyActivities, setHandler } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { createActivities } from '../../activities/index.js';
import {
  journalCreatedUpdate,
  reportStatusUpdate,
  type ConsentRenewalInput,
  type StatusChangeResult,
} from './contract.js';
import { expiresSoon, type StatusChange } from './rules.js';

type Activities = ReturnType<typeof createActivities>;

const { applyConnectionStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Histories recorded before the workflow owned the status have no activity on a repeated deadline. */
export const STATUS_OWNER_PATCH = 'consent-status-owner';

/**
 * The connection's status, owned by this workflow: the aggregator's reports, the office's "journal
 * created" and renewals reach the row only through here, one at a time (one mutex), each with a
 * version higher than the last, so that a late attempt never overwrites a later change.
 */
export function handleStatusChanges(input: ConsentRenewalInput) {
  const mutex = new Mutex();
  let version = input.statusVersion ?? 0;
  let deadline = input.validUntil;
  const apply = (change: StatusChange): Promise<StatusChangeResult> =>
    mutex.runExclusive(() =>
      applyConnectionStatus({
        connectionId: input.connectionId,
        change,
        soon: expiresSoon(Date.parse(deadline), Date.now(), input.schedule),
        statusVersion: ++version,
        at: new Date().toISOString(),
      }),
    );

  setHandler(reportStatusUpdate, ({ status }) => apply({ kind: 'reported', status }));
  setHandler(journalCreatedUpdate, () => apply({ kind: 'journal_created' }));

  /** A renewal: the deadline's statuses are lifted (connected, or expires_soon near the new deadline). */
  const renewed = async (validUntil: string): Promise<void> => {
    if (Date.parse(validUntil) > Date.parse(deadline)) deadline = validUntil;
    await apply({ kind: 'renewed', validUntil });
  };
  return {
    /** A run started from a renewal (continue-as-new) lifts the statuses first. */
    async start(): Promise<void> {
      if (input.liftDeadlineStatuses) await renewed(input.validUntil);
    },
    /**
     * This run's own deadline signalled again: a run started afresh after an expiry (signal-with-start),
     * or a repeated report. Histories recorded before the workflow owned the status have no activity here.
     */
    async signalled(validUntil: string): Promise<void> {
      if (patched(STATUS_OWNER_PATCH)) await renewed(validUntil);
    },
    /** The last version handed out, carried over continue-as-new. */
    version: () => version,
    /**
     * A version for a deadline change an activity writes itself (the reminder's `expires_soon`, the
     * expiry): through the same writer and timeline as the others (activities/connections).
     */
    nextVersion: () => ++version,
  };
}
