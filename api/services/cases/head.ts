// A case as its database rows tell it, the same shape for the three journeys: its state, whose move
// it is (the journey's own table), since when, its next step (next-step.ts), its history (the
// case_transitions its workflow wrote) and whether its workflow's start is still pending. No workflow
// query: every detail and timeline answers from here, with or without a worker.
import type { CaseType, PrismaClient } from '../../../lib/db/client.js';
import { peopleByKey, type Person } from '../people.js';
import { CARO_WHOSE_MOVE } from '../../../workflows/caro-activation/plan.js';
import type { CaroStatus } from '../../../workflows/caro-activation/contract.js';
import { CONNECTION_WHOSE_MOVE, type ConnectionStatus } from '../../../workflows/consent-renewal/rules.js';
import { WHOSE_MOVE, type MandateState } from '../../../workflows/mandate/rules.js';
import {
  caroNextStep,
  connectionNextStep,
  mandateNextStep,
  type CaroPlanRow,
  type ConnectionPlanRow,
  type MandatePlanRow,
  type Schedules,
} from './next-step.js';

/** The audit trail and the webhook events name a case by these. */
export const RESOURCE_TYPE = { mandate: 'mandate', caro: 'caro_order', connection: 'connection' } as const;

export interface CaseHead {
  caseType: CaseType;
  id: string;
  workflowId: string;
  status: string;
  whoseMove: string;
  /** When the current state began: the workflow's last transition, else the row's creation. */
  stateSince: Date;
  nextStep: { kind: string; at: string } | null;
}

type Row = { id: string; workflowId: string; createdAt: Date };

export const mandateHead = (
  m: Row & Omit<MandatePlanRow, 'isKbcGroup'> & { stateChangedAt: Date | null; bankAccount: { isKbcGroup: boolean } },
  schedules: Schedules,
): CaseHead => ({
  caseType: 'mandate',
  id: m.id,
  workflowId: m.workflowId,
  status: m.status,
  whoseMove: WHOSE_MOVE[m.status as MandateState],
  stateSince: m.stateChangedAt ?? m.createdAt,
  nextStep: mandateNextStep({ ...m, isKbcGroup: m.bankAccount.isKbcGroup }, schedules),
});

export const caroHead = (o: Row & CaroPlanRow & { stateChangedAt: Date | null }, schedules: Schedules): CaseHead => ({
  caseType: 'caro',
  id: o.id,
  workflowId: o.workflowId,
  status: o.status,
  whoseMove: CARO_WHOSE_MOVE[o.status as CaroStatus],
  stateSince: o.stateChangedAt ?? o.createdAt,
  nextStep: caroNextStep(o, schedules),
});

export const connectionHead = (
  c: Row & ConnectionPlanRow & { statusChangedAt: Date | null },
  schedules: Schedules,
): CaseHead => ({
  caseType: 'connection',
  id: c.id,
  workflowId: c.workflowId,
  status: c.status,
  whoseMove: CONNECTION_WHOSE_MOVE[c.status as ConnectionStatus],
  stateSince: c.statusChangedAt ?? c.createdAt,
  nextStep: connectionNextStep(c, schedules),
});

/** One state change as the case shows it (case_transitions). */
export const presentTransition = (
  t: {
    version: number;
    at: Date;
    fromState: string | null;
    toState: string;
    actorKind: string;
    actorId: string | null;
    event: string | null;
    reason: string | null;
    note: string | null;
  },
  people?: Map<string, Person>,
) => ({
  version: t.version,
  at: t.at.toISOString(),
  from: t.fromState,
  to: t.toState,
  // A person signed in to the console acted through their principal key: their account's id and name too.
  actor: { kind: t.actorKind, id: t.actorId, ...(t.actorId ? people?.get(t.actorId) : undefined) },
  event: t.event,
  reason: t.reason,
  note: t.note,
});

export const caseTransitions = (prisma: PrismaClient, head: Pick<CaseHead, 'caseType' | 'id'>) =>
  prisma.caseTransition.findMany({ where: { caseType: head.caseType, caseId: head.id }, orderBy: { version: 'asc' } });

/** What every detail answer adds to its row: all from the database, complete with the worker stopped. */
export async function caseFacts(prisma: PrismaClient, head: CaseHead, nowMs: number = Date.now()) {
  const [transitions, pending] = await Promise.all([
    caseTransitions(prisma, head),
    prisma.pendingStart.findUnique({ where: { workflowId: head.workflowId }, select: { createdAt: true } }),
  ]);
  const people = await peopleByKey(
    prisma,
    transitions.map((t) => t.actorId),
  );
  return presentCaseFacts(head, transitions, pending !== null, people, nowMs);
}

/**
 * A case's row and its facts, which are two reads. A mirror commits a step and the row's new state
 * together, but one committing between the two reads shows the step without the state (a CARO
 * order's first step without its link's dates, hence without a next step: seen in CI). While the
 * history is ahead of the row's version, both are read again: the mirror has committed by then.
 */
export async function rowWithFacts<R>(
  prisma: PrismaClient,
  readRow: () => Promise<R>,
  versionOf: (row: R) => number,
  headOf: (row: R) => CaseHead,
): Promise<{ row: R; facts: Awaited<ReturnType<typeof caseFacts>> }> {
  for (let attempt = 1; ; attempt++) {
    const row = await readRow();
    const facts = await caseFacts(prisma, headOf(row));
    if ((facts.history.at(-1)?.version ?? 0) <= versionOf(row) || attempt === 3) return { row, facts };
  }
}

/** caseFacts' answer from rows already read (the one-statement details, facts-sql.ts); `people` names the actors. */
export function presentCaseFacts(
  head: CaseHead,
  transitions: Parameters<typeof presentTransition>[0][],
  startPending: boolean,
  people: Map<string, Person>,
  nowMs: number = Date.now(),
) {
  return {
    whoseMove: head.whoseMove,
    stateSince: head.stateSince.toISOString(),
    timeInStateMs: Math.max(0, nowMs - head.stateSince.getTime()),
    nextStep: head.nextStep,
    /** True while the workflow's start is not confirmed (the reconciler starts it within minutes). */
    startPending,
    history: transitions.map((t) => presentTransition(t, people)),
  };
}
