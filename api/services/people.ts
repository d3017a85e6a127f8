import type { PrismaClient } from '../../lib/db/client.js';

/** The person behind a principal key: their account's id and name (a machine's key has none). */
export interface Person {
  userId: string;
  name: string;
}

export const NOBODY = { userId: null, name: null } as const;

/**
 * The people whose principal keys are among `keyIds` (audit rows, notes and transitions key on the
 * key's id, whoever acted): one query for a whole page or timeline. Machines' keys are absent.
 */
export async function peopleByKey(
  prisma: PrismaClient,
  keyIds: readonly (string | null | undefined)[],
): Promise<Map<string, Person>> {
  const ids = [...new Set(keyIds.filter((id): id is string => typeof id === 'string'))];
  if (ids.length === 0) return new Map();
  const users = await prisma.user.findMany({
    where: { apiKeyId: { in: ids } },
    select: { id: true, name: true, apiKeyId: true },
  });
  return new Map(users.map((u) => [u.apiKeyId, { userId: u.id, name: u.name }]));
}

/** `{ userId, name }` of the key's person, or nulls. */
export const personOf = (people: Map<string, Person>, keyId: string | null | undefined) =>
  (keyId ? people.get(keyId) : undefined) ?? NOBODY;
