import { log, workflowInfo } from '@temporalio/workflow';
import { unlessUndeliverable } from '../shared/undeliverable.js';
import { flagBankLinkMissing, notifyMandateStalled, sendMandateReminder } from './activities.js';
import type { MandateInput, MandateStatus, NextStep } from './contract.js';
import { reminderTotal } from './plan.js';

const now = () => new Date(Date.now()).toISOString();

/**
 * A timed step of the current presentation's plan: the detected issue (KBC/CBC not linked in
 * time), a reminder to the client, or the stalled notice to the office. Recorded on `status`.
 */
export async function runMandateStep(input: MandateInput, status: MandateStatus, step: Exclude<NextStep, null>) {
  const { mandateId } = input;
  const revision = status.revision;
  const key = `${workflowInfo().workflowId}/r${revision}`;
  if (step.kind === 'bank_link_check') {
    await flagBankLinkMissing({ mandateId, revision, at: now() });
    status.bankLinkIssueAt = now();
    return;
  }
  if (step.kind === 'reminder') {
    const { number } = step;
    const of = reminderTotal(input.schedule);
    const outcome = await unlessUndeliverable('Mandate reminder', { mandateId }, () =>
      sendMandateReminder({ mandateId, revision, number, of, idempotencyKey: `${key}/reminder/${number}`, at: now() }),
    );
    // Counted even when undeliverable: the plan moves on, the outbox shows the problem.
    status.reminders.push({ number, at: now() });
    if (outcome && !outcome.sent) log.info('Mandate reminder not sent', { mandateId, number, reason: outcome.reason });
    return;
  }
  await unlessUndeliverable('Mandate stalled notice', { mandateId }, () =>
    notifyMandateStalled({ mandateId, revision, idempotencyKey: `${key}/stalled`, at: now() }),
  );
  status.stalledNoticeAt = now();
}
