import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import { EMAIL_ACTIVITY } from '../shared/retry.js';
import { unlessUndeliverable } from '../shared/undeliverable.js';
import {
  consentRenewedSignal,
  consentStateQuery,
  type ConsentRenewalInput,
  type ConsentRenewalResult,
  type ConsentRenewalState,
} from './contract.js';
import { endsOnMissingRow } from '../shared/row-missing.js';
import { handleManualActions } from './manual.js';
import { planConsentReminders, reminderKey } from './plan.js';
import { handleStatusChanges } from './status.js';

type Activities = ReturnType<typeof createActivities>;

// The expiry records the state and tells owner and office: e-mail's policy, retried through any outage.
const { markConsentExpired } = proxyActivities<Activities>(EMAIL_ACTIVITY);
const { sendConsentReminder } = proxyActivities<Activities>(EMAIL_ACTIVITY);

const later = (a: string, b: string | undefined) => (b !== undefined && Date.parse(b) > Date.parse(a) ? b : a);

/**
 * One run per consent period of a connection: reminds the owner before `validUntil`,
 * marks the connection expired at the deadline, and starts afresh (continue-as-new)
 * whenever the aggregator reports a renewal, so history stays small for years.
 */
export async function consentRenewalWorkflow(input: ConsentRenewalInput): Promise<ConsentRenewalResult> {
  const { connectionId, schedule } = input;
  const renewals = input.renewals ?? 0;
  const validUntilMs = Date.parse(input.validUntil);
  let renewedUntil: string | undefined;
  const state: ConsentRenewalState = {
    connectionId,
    validUntil: input.validUntil,
    renewals,
    phase: 'waiting',
    remindersSent: [],
    nextStep: null,
  };

  const status = handleStatusChanges(input);
  setHandler(consentRenewedSignal, async ({ validUntil }) => {
    // Only a later deadline is a renewal (the next run lifts the statuses); an earlier one changes nothing.
    if (Date.parse(validUntil) > Date.parse(renewedUntil ?? input.validUntil)) renewedUntil = validUntil;
    else if (Date.parse(validUntil) === validUntilMs) await status.signalled(validUntil);
  });
  setHandler(consentStateQuery, () => state);
  const manual = handleManualActions(
    input,
    () =>
      renewedUntil !== undefined
        ? 'renewed'
        : state.phase === 'expired' || Date.now() >= validUntilMs
          ? 'expired'
          : undefined,
    status.nextVersion,
  );

  // A run started from a renewal lifts the deadline's statuses on the row while it plans.
  const lifted = status.start();
  const rowMissing = (): ConsentRenewalResult => ({
    connectionId,
    status: 'row_missing',
    validUntil: input.validUntil,
    renewals,
  });
  const renewed = (untilMs: number) => condition(() => renewedUntil !== undefined, Math.max(untilMs - Date.now(), 0));

  for (const reminder of planConsentReminders(validUntilMs, Date.now(), schedule)) {
    state.nextStep = { kind: 'reminder', ...reminder };
    if (await renewed(Date.parse(reminder.at))) break;
    // An undeliverable reminder is on the case's outbox; the deadline still counts, so the journey goes on.
    // A connection whose row is gone ends the run instead.
    let missing = false;
    const outcome = await unlessUndeliverable(
      'Consent reminder',
      { connectionId, daysBefore: reminder.daysBefore },
      async () => {
        try {
          return await sendConsentReminder({
            connectionId,
            validUntil: input.validUntil,
            daysBefore: reminder.daysBefore,
            ...(reminder.beforeMs === undefined ? {} : { beforeMs: reminder.beforeMs }),
            idempotencyKey: `${workflowInfo().workflowId}/${input.validUntil}/reminder/${reminderKey(reminder)}`,
            statusVersion: status.nextVersion(),
            at: new Date().toISOString(),
          });
        } catch (error) {
          if (!endsOnMissingRow(error, 'ConnectionNotFound', { connectionId })) throw error;
          missing = true;
          return undefined;
        }
      },
    );
    if (missing) return rowMissing();
    if (outcome?.sent) state.remindersSent.push(reminder.daysBefore);
  }

  if (renewedUntil === undefined) {
    state.nextStep = { kind: 'expiry', at: input.validUntil };
    await renewed(validUntilMs);
  }
  const planAnew = async (until: string) => {
    log.info('Consent renewed: planning anew', { connectionId, renewals: renewals + 1 });
    await lifted;
    await condition(allHandlersFinished);
    return continueAsNew<typeof consentRenewalWorkflow>({
      ...input,
      validUntil: until,
      renewals: renewals + 1,
      manual,
      statusVersion: status.version(),
      liftDeadlineStatuses: true,
    });
  };
  if (renewedUntil !== undefined) return planAnew(renewedUntil);

  let outcome: Awaited<ReturnType<typeof markConsentExpired>>;
  try {
    outcome = await markConsentExpired({
      connectionId,
      validUntil: input.validUntil,
      idempotencyKey: `${workflowInfo().workflowId}/${input.validUntil}/expired`,
      statusVersion: status.nextVersion(),
      at: new Date().toISOString(),
    });
  } catch (error) {
    if (endsOnMissingRow(error, 'ConnectionNotFound', { connectionId })) return rowMissing();
    throw error;
  }
  // The database knew of a renewal the signal had not brought yet: plan from it, nobody was told.
  if (outcome.renewedUntil !== undefined) return planAnew(later(outcome.renewedUntil, renewedUntil));
  state.phase = 'expired';
  state.nextStep = null;
  await lifted;
  await condition(allHandlersFinished);
  // A renewal signalled while the expiry was being recorded still wins: the connection lives on.
  if (renewedUntil !== undefined) return planAnew(renewedUntil);
  return { connectionId, status: 'expired', validUntil: input.validUntil, renewals };
}
