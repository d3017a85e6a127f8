import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import {
  consentRenewedSignal,
  consentStateQuery,
  type ConsentRenewalInput,
  type ConsentRenewalResult,
  type ConsentRenewalState,
} from './contract.js';
import { endsOnMissingRow } from '../shared/row-missing.js';
import { handleManualActions } from './manual.js';
import { planConsentReminders } from './plan.js';

type Activities = ReturnType<typeof createActivities>;

const { markConsentExpired } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});
// E-mail gets its own proxy: few attempts, the provider's own idempotency does the rest.
const { sendConsentReminder } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '30 seconds', maximumAttempts: 5 },
});

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

  setHandler(consentRenewedSignal, ({ validUntil }) => {
    // Only a later deadline is a renewal; a stale or repeated report changes nothing.
    if (Date.parse(validUntil) > Date.parse(renewedUntil ?? input.validUntil)) renewedUntil = validUntil;
  });
  setHandler(consentStateQuery, () => state);
  const manual = handleManualActions(input, () =>
    renewedUntil !== undefined
      ? 'renewed'
      : state.phase === 'expired' || Date.now() >= validUntilMs
        ? 'expired'
        : undefined,
  );

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
    try {
      const outcome = await sendConsentReminder({
        connectionId,
        validUntil: input.validUntil,
        daysBefore: reminder.daysBefore,
        idempotencyKey: `${workflowInfo().workflowId}/${input.validUntil}/reminder/${reminder.daysBefore}`,
      });
      if (outcome.sent) state.remindersSent.push(reminder.daysBefore);
    } catch (error) {
      // An undeliverable reminder (address rejected, provider down beyond the retries) is on the
      // case's outbox; the deadline still counts, so the journey goes on.
      if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
      if (endsOnMissingRow(error, 'ConnectionNotFound', { connectionId })) return rowMissing();
      const failure = error.cause instanceof ApplicationFailure ? error.cause.type : error.cause?.name;
      log.warn('Consent reminder not delivered: continuing', {
        connectionId,
        daysBefore: reminder.daysBefore,
        failure,
      });
    }
  }

  if (renewedUntil === undefined) {
    state.nextStep = { kind: 'expiry', at: input.validUntil };
    await renewed(validUntilMs);
  }
  const planAnew = async (until: string) => {
    log.info('Consent renewed: planning anew', { connectionId, renewals: renewals + 1 });
    await condition(allHandlersFinished);
    return continueAsNew<typeof consentRenewalWorkflow>({
      ...input,
      validUntil: until,
      renewals: renewals + 1,
      manual,
    });
  };
  if (renewedUntil !== undefined) return planAnew(renewedUntil);

  let outcome: Awaited<ReturnType<typeof markConsentExpired>>;
  try {
    outcome = await markConsentExpired({
      connectionId,
      validUntil: input.validUntil,
      idempotencyKey: `${workflowInfo().workflowId}/${input.validUntil}/expired`,
    });
  } catch (error) {
    if (endsOnMissingRow(error, 'ConnectionNotFound', { connectionId })) return rowMissing();
    throw error;
  }
  // The database knew of a renewal the signal had not brought yet: plan from it, nobody was told.
  if (outcome.renewedUntil !== undefined) return planAnew(later(outcome.renewedUntil, renewedUntil));
  state.phase = 'expired';
  state.nextStep = null;
  await condition(allHandlersFinished);
  // A renewal signalled while the expiry was being recorded still wins: the connection lives on.
  if (renewedUntil !== undefined) return planAnew(renewedUntil);
  return { connectionId, status: 'expired', validUntil: input.validUntil, renewals };
}
