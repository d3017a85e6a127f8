import type { CaseType, Prisma, PrismaClient } from '../prisma/generated/client.js';
import { connectionAction, transitionEventType } from '../lib/events/catalogue.js';
import { EVENT_TX, recordEvent } from '../lib/events/record.js';

/** One state change of a case, as its workflow saw it (workflow time, the workflow's version). */
export interface CaseTransitionRecord {
  caseType: CaseType;
  caseId: string;
  version: number;
  from: string | null;
  to: string;
  actor: { kind: string; id?: string | undefined };
  event?: string | undefined;
  reason?: string | null | undefined;
  note?: string | undefined;
  at: string;
  /** More facts for the change's event (a renewal's new deadline). */
  eventData?: Record<string, unknown>;
}

/**
 * Records a transition for the case's timeline, with its event (lib/events) in the same
 * transaction. Written before the row's mirror, and keyed by the workflow's version: an activity
 * retried after either write records nothing twice, and a mirror that arrives late (a later state
 * is already on the row) still leaves its step in the timeline and the feed.
 */
export async function recordTransition(prisma: PrismaClient, t: CaseTransitionRecord): Promise<void> {
  await prisma.$transaction((tx) => recordTransitionIn(tx, t), EVENT_TX);
}

/**
 * The same, inside the caller's transaction `tx`: for a writer whose guarded write of the row must
 * commit with its transition, or neither (activities/connections: a renewal racing the deadline).
 */
export async function recordTransitionIn(tx: Prisma.TransactionClient, t: CaseTransitionRecord): Promise<void> {
  const type = transitionEventType(t.caseType, t);
  const { count } = await tx.caseTransition.createMany({
    data: [
      {
        caseType: t.caseType,
        caseId: t.caseId,
        version: t.version,
        fromState: t.from,
        toState: t.to,
        actorKind: t.actor.kind,
        actorId: t.actor.id ?? null,
        event: t.event ?? null,
        reason: t.reason ?? null,
        note: t.note ?? null,
        at: new Date(t.at),
      },
    ],
    skipDuplicates: true,
  });
  if (count === 0 || !type) return;
  await recordEvent(tx, {
    type,
    subject: t.caseType,
    subjectId: t.caseId,
    occurredAt: new Date(t.at),
    status: t.to,
    sourceKey: `transition:${t.caseType}:${t.caseId}:${t.version}`,
    data: {
      from: t.from,
      to: t.to,
      ...(t.event ? { event: t.event } : {}),
      ...(t.reason ? { reason: t.reason } : {}),
      actor: t.actor.kind,
      ...(t.caseType === 'connection' ? { action: connectionAction(t.to) } : {}),
      ...t.eventData,
    },
  });
}
