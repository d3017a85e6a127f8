import type { PrismaClient } from '../db/client.js';
import { generateApiKey, type Role } from './api-keys.js';

export interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  officeId: string | null;
  /** The full key: shown once, never stored. */
  key: string;
}

export class KeyStoreError extends Error {
  override name = 'KeyStoreError';
}

/** Creates a key; accountants are bound to exactly one office, the back office to none. */
export async function createApiKey(
  prisma: PrismaClient,
  opts: { name: string; role: Role; officeId?: string | undefined },
): Promise<CreatedKey> {
  if (opts.role === 'accountant' && !opts.officeId)
    throw new KeyStoreError('an accountant key needs an office (--office <id>)');
  if (opts.role !== 'accountant' && opts.officeId)
    throw new KeyStoreError(`a ${opts.role} key is not bound to an office`);
  if (opts.officeId && !(await prisma.office.findUnique({ where: { id: opts.officeId }, select: { id: true } }))) {
    throw new KeyStoreError(`no office ${opts.officeId}`);
  }
  const { key, prefix, hash } = generateApiKey();
  const row = await prisma.apiKey.create({
    data: { name: opts.name, prefix, hash, role: opts.role, officeId: opts.officeId ?? null },
  });
  return { id: row.id, name: row.name, prefix, role: row.role, officeId: row.officeId, key };
}

/** A person's principal row (lib/auth/user-store.ts) is no key: not listed, not revoked here (disable the account). */
const machineKeys = { user: { is: null } } as const;

/** Revokes by id or prefix; true when a live key was revoked. */
export async function revokeApiKey(prisma: PrismaClient, idOrPrefix: string): Promise<boolean> {
  const { count } = await prisma.apiKey.updateMany({
    where: { OR: [{ prefix: idOrPrefix }, { id: idOrPrefix }], revokedAt: null, ...machineKeys },
    data: { revokedAt: new Date() },
  });
  return count > 0;
}

export const listApiKeys = (prisma: PrismaClient) =>
  prisma.apiKey.findMany({
    where: machineKeys,
    orderBy: { createdAt: 'asc' },
    select: { id: true, name: true, prefix: true, role: true, officeId: true, revokedAt: true, createdAt: true },
  });
