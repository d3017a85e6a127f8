import type { CaseType, Prisma, PrismaClient } from '../../../lib/db/client.js';
import type { Actor } from '../../http/route.js';

/** The audit action of a note (the timeline shows the note itself instead). */
export const NOTE_ACTION = 'case.note';

/** A support note: who wrote it (the key's id and role), the text as sent (trimmed), when. */
export const addNote = (prisma: PrismaClient, caseType: CaseType, caseId: string, actor: Actor, text: string) =>
  prisma.caseNote.create({ data: { caseType, caseId, authorKeyId: actor.keyId, authorRole: actor.role, text } });

/** A case's notes, oldest first, a page at a time (id order: UUIDv7, creation order). */
export const listNotes = (
  prisma: PrismaClient,
  caseType: CaseType,
  caseId: string,
  args: { take: number; orderBy: { id: 'asc' }; after: Prisma.CaseNoteWhereInput },
) => {
  const { after, ...page } = args;
  return prisma.caseNote.findMany({ ...page, where: { ...after, caseType, caseId } });
};
