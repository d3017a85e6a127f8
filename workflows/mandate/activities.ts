import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import { DATABASE_ACTIVITY, EMAIL_ACTIVITY } from '../shared/retry.js';

type Activities = ReturnType<typeof createActivities>;

/** The mandate's side effects on the database: retried until they succeed. */
export const { prepareMandate, mirrorMandateState, flagBankLinkMissing } =
  proxyActivities<Activities>(DATABASE_ACTIVITY);
/** E-mail: retried through any outage of the provider; a refused address is recorded on the case. */
export const { sendMandateInvitation, sendMandateReminder, notifyMandateStalled } =
  proxyActivities<Activities>(EMAIL_ACTIVITY);
