import type { CaseType, Prisma, PrismaClient } from '../../../lib/db/client.js';
import type { Actor } from '../../http/route.js';
import { peopleByKey, personOf } from '../people.js';

/** The audit action of a note (the timeline shows the note itself instead). */
export const NOTE_ACTION = 'case.note';

/** A support note: who wrote it (the key's id and role, and the person's id and name), the text as sent (trimmed), when. */
export async function addNote(prisma: PrismaClient, caseType: CaseType, caseId: string, actor: Actor, text: string) {
  const note = await prisma.caseNote.create({
    data: { caseType, caseId, authorKeyId: actor.keyId, authorRole: actor.role, text },
  });
  return { ...note, authorUserId: actor.userId ?? null, authorName: actor.name ?? null };
}

/** A case's notes, oldest first, a page at a time (id order: UUIDv7, creation order). */
export const listNotes = async (
  prisma: PrismaClient,
  caseType: CaseType,
  caseId: string,
  args: { take: number; orderBy: { id: 'asc' }; after: Prisma.CaseNoteWhereInput },
) => {
  const { after, ...page } = args;
  const notes = await prisma.caseNote.findMany({ ...page, where: { ...after, caseType, caseId } });
  const people = await peopleByKey(
    prisma,
    notes.map((n) => n.authorKeyId),
  );
  return notes.map((n) => {
    const person = personOf(people, n.authorKeyId);
    return { ...n, authorUserId: person.userId, authorName: person.name };
  });
};
