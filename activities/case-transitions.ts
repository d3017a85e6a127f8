import type { CaseType, PrismaClient } from '../prisma/generated/client.js';

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
}

/**
 * Records a transition for the case's timeline. Written before the row's mirror, and keyed by the
 * workflow's version: an activity retried after either write records nothing twice, and a mirror
 * that arrives late (a later state is already on the row) still leaves its step in the timeline.
 */
export async function recordTransition(prisma: PrismaClient, t: CaseTransitionRecord): Promise<void> {
  await prisma.caseTransition.createMany({
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
}
