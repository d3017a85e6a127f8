import { proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import { unlessUndeliverable } from '../shared/undeliverable.js';
import {
  DEFAULT_MANUAL_REMINDER_INTERVAL_HOURS,
  INVITATION_LINK_DAYS,
  remindNowUpdate,
  sendInvitationUpdate,
  type ConsentRenewalInput,
  type InvitationResult,
  type ManualActions,
  type RemindNowResult,
} from './contract.js';

type Activities = ReturnType<typeof createActivities>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Someone waits for the answer (an HTTP request): few, quick attempts.
const { sendConsentReminder, sendConnectionInvitation } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

const iso = (ms: number) => new Date(ms).toISOString();

const undeliverable = { sent: false, reason: 'undeliverable' } as const;

/**
 * The office's manual actions on a running consent: "remind now" (at most once per interval,
 * never once the consent was renewed or expired) and "invite again". Returns the live counters,
 * to be carried over continue-as-new.
 */
export function handleManualActions(
  input: ConsentRenewalInput,
  closed: () => 'renewed' | 'expired' | undefined,
  /** The status version for the `expires_soon` a reminder may bring (handleStatusChanges hands them out). */
  nextStatusVersion?: () => number,
): ManualActions {
  const manual: ManualActions = { reminders: 0, invitations: 0, ...input.manual };
  const intervalMs = (input.schedule.manualReminderIntervalHours ?? DEFAULT_MANUAL_REMINDER_INTERVAL_HOURS) * HOUR;
  const { connectionId, validUntil } = input;

  setHandler(remindNowUpdate, async (request): Promise<RemindNowResult> => {
    const reason = closed() ?? (Date.parse(request.validUntil) === Date.parse(validUntil) ? undefined : 'renewed');
    if (reason) return { sent: false, reason };
    const now = Date.now();
    const last = manual.lastReminderAt === undefined ? undefined : Date.parse(manual.lastReminderAt);
    if (last !== undefined && now - last < intervalMs)
      return { sent: false, reason: 'too_soon', nextAllowedAt: iso(last + intervalMs) };
    // Claimed before the first await: a second request meanwhile is too soon.
    const previous = manual.lastReminderAt;
    manual.lastReminderAt = iso(now);
    const sequence = ++manual.reminders;
    const daysBefore = Math.max(1, Math.ceil((Date.parse(validUntil) - now) / DAY));
    const outcome = await unlessUndeliverable('Manual consent reminder', { connectionId, sequence }, () =>
      sendConsentReminder({
        connectionId,
        validUntil,
        daysBefore,
        manual: { sequence },
        idempotencyKey: `${workflowInfo().workflowId}/${validUntil}/manual-reminder/${sequence}`,
        ...(nextStatusVersion ? { statusVersion: nextStatusVersion(), at: iso(Date.now()) } : {}),
      }),
    );
    if (outcome?.sent) return { sent: true, at: iso(now), daysBefore, nextAllowedAt: iso(now + intervalMs) };
    manual.lastReminderAt = previous;
    return outcome ? { sent: false, reason: outcome.reason } : undeliverable;
  });

  setHandler(sendInvitationUpdate, async (): Promise<InvitationResult> => {
    const now = Date.now();
    const sequence = ++manual.invitations;
    const linkExpiresAt = iso(now + INVITATION_LINK_DAYS * DAY);
    const outcome = await unlessUndeliverable('Connection invitation', { connectionId, sequence }, () =>
      sendConnectionInvitation({
        connectionId,
        sequence,
        linkExpiresAt,
        idempotencyKey: `${workflowInfo().workflowId}/${workflowInfo().firstExecutionRunId}/invitation/${sequence}`,
      }),
    );
    if (!outcome) return undeliverable;
    return outcome.sent ? { sent: true, at: iso(now), linkExpiresAt } : { sent: false, reason: outcome.reason };
  });

  return manual;
}
