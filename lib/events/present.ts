import type { Event } from '../db/client.js';
import { JOURNEY_OF_SUBJECT, type EventSubject, type EventType } from './catalogue.js';

/** An event as GET /v1/events shows it, and as a webhook delivers it. */
export const presentEvent = (e: Event) => {
  const subject = e.subjectType as EventSubject;
  const journey = JOURNEY_OF_SUBJECT[subject];
  return {
    id: e.id,
    type: e.type as EventType,
    occurredAt: e.occurredAt.toISOString(),
    officeId: e.officeId,
    journey,
    subject: { type: subject, id: e.subjectId },
    caseId: journey ? e.subjectId : null,
    clientId: e.clientId,
    sequence: e.sequence,
    status: e.status,
    data: e.data as Record<string, unknown>,
    cursor: e.seq.toString(),
  };
};
export type PresentedEvent = ReturnType<typeof presentEvent>;
