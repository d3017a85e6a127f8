// One chronological list per case, merged from its records: state changes (case_transitions), e-mails
// (the outbox, never an address), provider callbacks (webhook_events), people's actions (audit_events),
// support notes (case_notes), and the scheduled next step last. Database only: the workflow's live part
// is added by the route when asked for.
import type { PrismaClient } from '../../../lib/db/client.js';
import { caseTransitions, presentTransition, RESOURCE_TYPE, type CaseHead } from './head.js';
import { peopleByKey, personOf } from '../people.js';
import { NOTE_ACTION } from './notes.js';

/** Per source: a case with more than this many records of one kind shows the latest ones. */
const PER_SOURCE = 500;

type Entry = { kind: string; at: string } & Record<string, unknown>;

/** Ties (same millisecond) read in cause order: a callback or an action, then the change, then its e-mail. */
const RANK: Record<string, number> = { callback: 0, action: 1, state_change: 2, email: 3, note: 4 };

export async function caseTimeline(prisma: PrismaClient, head: CaseHead): Promise<Entry[]> {
  const resource = { resourceType: RESOURCE_TYPE[head.caseType], resourceId: head.id };
  const latest = { take: PER_SOURCE } as const;
  const [transitions, emails, callbacks, actions, notes] = await Promise.all([
    caseTransitions(prisma, head),
    prisma.emailOutbox.findMany({
      where: { caseType: head.caseType, caseId: head.id },
      orderBy: { createdAt: 'desc' },
      ...latest,
      select: {
        id: true,
        template: true,
        language: true,
        status: true,
        error: true,
        toAddress: true,
        createdAt: true,
        sentAt: true,
      },
    }),
    prisma.webhookEvent.findMany({
      where: resource,
      orderBy: { receivedAt: 'desc' },
      ...latest,
      select: { provider: true, eventId: true, eventType: true, handled: true, reason: true, receivedAt: true },
    }),
    prisma.auditEvent.findMany({
      // People's actions: by an API key (the webhook's own audit rows are the callbacks above).
      where: { ...resource, actorKeyId: { not: null }, action: { not: NOTE_ACTION } },
      orderBy: { at: 'desc' },
      ...latest,
    }),
    prisma.caseNote.findMany({
      where: { caseType: head.caseType, caseId: head.id },
      orderBy: { at: 'desc' },
      ...latest,
    }),
  ]);
  // People's names and account ids beside their principal keys' ids ("replayed by Alice").
  const people = await peopleByKey(prisma, [
    ...transitions.map((t) => t.actorId),
    ...actions.map((a) => a.actorKeyId),
    ...notes.map((n) => n.authorKeyId),
  ]);
  const entries: Entry[] = [
    ...transitions.map((t) => ({ kind: 'state_change', ...presentTransition(t, people) })),
    ...emails.map((e) => ({
      kind: 'email',
      at: e.createdAt.toISOString(),
      emailId: e.id,
      template: e.template,
      language: e.language,
      status: e.status,
      reason: e.toAddress === null ? 'no e-mail address on file' : e.error,
      sentAt: e.sentAt?.toISOString() ?? null,
    })),
    ...callbacks.map((c) => ({
      kind: 'callback',
      at: c.receivedAt.toISOString(),
      provider: c.provider,
      eventType: c.eventType,
      eventId: c.eventId,
      outcome: c.handled === true ? 'handled' : c.handled === false ? 'ignored' : 'pending',
      reason: c.reason,
    })),
    ...actions.map((a) => ({
      kind: 'action',
      at: a.at.toISOString(),
      actor: { keyId: a.actorKeyId, role: a.actorRole, ...personOf(people, a.actorKeyId) },
      action: a.action,
      details: a.details ?? null,
    })),
    ...notes.map((n) => ({
      kind: 'note',
      at: n.at.toISOString(),
      noteId: n.id,
      author: { keyId: n.authorKeyId, role: n.authorRole, ...personOf(people, n.authorKeyId) },
      text: n.text,
    })),
  ];
  entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (RANK[a.kind] ?? 9) - (RANK[b.kind] ?? 9));
  if (head.nextStep) entries.push({ kind: 'next_step', at: head.nextStep.at, step: head.nextStep });
  return entries;
}
