import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';

type Activities = ReturnType<typeof createActivities>;

/** The mandate's side effects on the database: retried until they succeed. */
export const { prepareMandate, mirrorMandateState, flagBankLinkMissing } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});
/** E-mail: few attempts, the provider's own idempotency does the rest. */
export const { sendMandateInvitation, sendMandateReminder, notifyMandateStalled } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '30 seconds', maximumAttempts: 5 },
});
