import { log, workflowInfo } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import { unlessUndeliverable } from '../shared/undeliverable.js';
import { mirrorMandateState, prepareMandate, sendMandateInvitation } from './activities.js';
import type {
  Actor,
  MandateInput,
  MandateProblemReason,
  MandateReport,
  MandateState,
  MandateStatus,
  NextStep,
} from './contract.js';
import {
  FINAL_MANDATE_STATES,
  presentedState,
  SIGNATURE_PROBLEMS,
  SIGNED_MANDATE_STATES,
  UNSIGNED_MANDATE_STATES,
  WHOSE_MOVE,
} from './rules.js';
import { newMandateStatus, signingLinkExpiry } from './plan.js';
import { runMandateStep } from './steps.js';

export const SYSTEM: Actor = { kind: 'system' };
const now = () => new Date(Date.now()).toISOString();

export type MandateCase = ReturnType<typeof openMandateCase>;

/**
 * One mandate's state and the moves that change it. Whatever changes the state runs inside
 * `exclusive` (one `Mutex` for the main loop and every handler), so each sees the state the
 * previous one left. Every transition is mirrored to the database with a version, so a retried
 * mirror never goes back in time.
 */
export function openMandateCase(input: MandateInput) {
  const { mandateId } = input;
  const workflowId = workflowInfo().workflowId;
  const status: MandateStatus = newMandateStatus(mandateId);
  let version = 0;
  let signedAt: string | null = null;
  /** The bank already refused this presentation: a late "signed" must not reopen it. */
  let bankRefused = false;
  const seenEvents = new Set<string>();
  const mutex = new Mutex();
  const isFinal = () => FINAL_MANDATE_STATES.includes(status.state);

  async function transition(
    to: MandateState,
    actor: Actor,
    extra: { problemReason?: MandateProblemReason; archiveReason?: string; note?: string } = {},
  ) {
    const at = now();
    const from = status.state;
    status.history.push({ at, from, to, actor, ...(extra.note ? { note: extra.note } : {}) });
    status.state = to;
    status.whoseMove = WHOSE_MOVE[to];
    status.problemReason = to === 'problem' ? (extra.problemReason ?? status.problemReason) : null;
    if (to === 'archived') status.archiveReason = extra.archiveReason ?? null;
    if (SIGNED_MANDATE_STATES.includes(to) && signedAt === null) signedAt = at;
    version += 1;
    const { problemReason, archiveReason } = status;
    const step = { from, actor, ...(extra.note ? { note: extra.note } : {}) };
    await mirrorMandateState({ mandateId, version, state: to, problemReason, archiveReason, signedAt, at, ...step });
  }

  /** Presents the mandate (again) with the client's current data; the plan counts from here. */
  async function present(actor: Actor, note: string) {
    status.revision += 1;
    const revision = status.revision;
    signedAt = null;
    await transition('in_preparation', actor, { note });
    // One instant for the row (link expiry) and the plan (reminders).
    const presentedAt = now();
    await prepareMandate({
      mandateId,
      revision,
      presentedAt,
      linkExpiresAt: signingLinkExpiry(presentedAt, input.schedule),
    });
    Object.assign(status, { presentedAt, reminders: [], stalledNoticeAt: null, bankLinkIssueAt: null });
    bankRefused = false;
    if (input.mode === 'service') {
      const idempotencyKey = `${workflowId}/r${revision}/invitation`;
      await unlessUndeliverable('Mandate invitation', { mandateId }, () =>
        sendMandateInvitation({ mandateId, revision, idempotencyKey }),
      );
    }
    await transition(presentedState(input.path, input.mode), SYSTEM);
  }

  /** An external report, judged on the current state: one that does not apply is logged and ignored. */
  async function onReport(report: MandateReport) {
    const { state } = status;
    if (isFinal()) return log.info('Report after the end: ignored', { mandateId, report: report.type, state });
    const unsigned = UNSIGNED_MANDATE_STATES.includes(state);
    const reopenable = state === 'problem' && !bankRefused;
    switch (report.type) {
      case 'signed':
        if (input.path !== 'esign' || !(unsigned || (reopenable && SIGNATURE_PROBLEMS.includes(status.problemReason))))
          break;
        await transition('signed', { kind: 'client' });
        return transition('bank_processing', SYSTEM, { note: 'sent to the bank' });
      case 'signature_rejected':
        if (input.path !== 'esign' || !unsigned) break;
        return transition('problem', { kind: 'client' }, { problemReason: 'signature_rejected' });
      case 'bank_link_created':
        if (input.path !== 'bank_link' || !(unsigned || reopenable)) break;
        return transition('bank_processing', { kind: 'client' }, { note: 'linked in the bank app' });
      case 'bank_accepted':
        // Delivered before the signature report: the bank only accepts what was signed or linked.
        if (!SIGNED_MANDATE_STATES.includes(state))
          await transition('bank_processing', { kind: 'bank' }, { note: 'signature implied by the bank acceptance' });
        return transition('active', { kind: 'bank' });
      case 'bank_rejected':
        bankRefused = true;
        if (state === 'problem' && status.problemReason === report.reason) break;
        return transition('problem', { kind: 'bank' }, { problemReason: report.reason });
    }
    log.info('Report does not apply in this state: ignored', { mandateId, report: report.type, state });
  }

  return {
    input,
    status,
    /** Bumped by every transition: a waiting step re-checks it before running. */
    version: () => version,
    isFinal,
    /** Runs `fn` alone: after whatever changes the state queued before it, before whatever queues after. */
    exclusive: <T>(fn: () => Promise<T>): Promise<T> => mutex.runExclusive(fn),
    /** True the first time an event id is seen: a provider's repeat is ignored. */
    firstSeen(eventId: string): boolean {
      if (seenEvents.has(eventId)) return false;
      seenEvents.add(eventId);
      return true;
    },
    transition,
    present,
    onReport,
    runStep: (step: Exclude<NextStep, null>) => runMandateStep(input, status, step),
  };
}
