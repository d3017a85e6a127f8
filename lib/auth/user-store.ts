import { randomBytes } from 'node:crypto';
import { Prisma, type PrismaClient, type User } from '../db/client.js';
import { generateApiKey, type Role } from './api-keys.js';
import { generatePassword, hashPassword } from './passwords.js';

/** The console's languages. */
export const USER_LANGUAGES = ['fr', 'nl', 'en'] as const;
export type UserLanguage = (typeof USER_LANGUAGES)[number];

/** What a person's account looks like to others: never the password hash. */
export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  officeId: string | null;
  language: UserLanguage;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A refused change to accounts; `field` names the input at fault, `kind` how the API answers. */
export class UserStoreError extends Error {
  override name = 'UserStoreError';
  constructor(
    message: string,
    readonly field: string,
    readonly kind: 'invalid' | 'conflict' | 'not_found',
  ) {
    super(message);
  }
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const publicUser = (u: User): PublicUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  officeId: u.officeId,
  language: u.language,
  disabledAt: u.disabledAt,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

/** Accountants are bound to exactly one office, the back office to none (as API keys). */
async function checkOffice(prisma: PrismaClient, role: Role, officeId: string | null | undefined): Promise<void> {
  if (role === 'accountant' && !officeId)
    throw new UserStoreError('an accountant needs an office', 'officeId', 'invalid');
  if (role !== 'accountant' && officeId)
    throw new UserStoreError(`a ${role} is not bound to an office`, 'officeId', 'invalid');
  if (officeId && !(await prisma.office.findUnique({ where: { id: officeId }, select: { id: true } })))
    throw new UserStoreError(`no office ${officeId}`, 'officeId', 'not_found');
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  officeId?: string | null | undefined;
  language: UserLanguage;
  /** Generated (and answered once) when absent. */
  password?: string | undefined;
}

/**
 * Creates a person's account and its principal api_keys row: a row whose hash is 32 random bytes, the
 * SHA-256 of nothing anyone holds, so no Bearer key can ever match it. Their actions key on its id.
 */
export async function createUser(
  prisma: PrismaClient,
  input: NewUser,
): Promise<{ user: PublicUser; generatedPassword?: string }> {
  const email = normalizeEmail(input.email);
  await checkOffice(prisma, input.role, input.officeId);
  const generatedPassword = input.password === undefined ? generatePassword() : undefined;
  const passwordHash = await hashPassword(input.password ?? generatedPassword!);
  const officeId = input.officeId ?? null;
  try {
    const user = await prisma.$transaction(async (tx) => {
      const principal = await tx.apiKey.create({
        data: {
          name: `person: ${input.name}`,
          prefix: generateApiKey().prefix,
          hash: randomBytes(32).toString('hex'),
          role: input.role,
          officeId,
        },
      });
      return tx.user.create({
        data: {
          email,
          name: input.name,
          role: input.role,
          officeId,
          language: input.language,
          passwordHash,
          apiKeyId: principal.id,
        },
      });
    });
    return { user: publicUser(user), ...(generatedPassword ? { generatedPassword } : {}) };
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserStoreError('an account with this e-mail exists', 'email', 'conflict');
    throw error;
  }
}

export interface UserChange {
  name?: string | undefined;
  role?: Role | undefined;
  officeId?: string | null | undefined;
  language?: UserLanguage | undefined;
  password?: string | undefined;
  disabled?: boolean | undefined;
}

/**
 * Changes an account. Disabling it or setting a new password ends its sessions (and a disabled
 * account's principal row is revoked too). Role and office are checked together, as they end up.
 */
export async function updateUser(prisma: PrismaClient, id: string, change: UserChange): Promise<PublicUser> {
  const current = await prisma.user.findUnique({ where: { id } });
  if (!current) throw new UserStoreError('no such account', 'id', 'not_found');
  const role = change.role ?? current.role;
  // A move to the back office drops the office unless one is named (then refused).
  const officeId =
    change.officeId !== undefined ? change.officeId : change.role && role !== 'accountant' ? null : current.officeId;
  await checkOffice(prisma, role, officeId);
  const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
  const disabledAt =
    change.disabled === undefined ? undefined : change.disabled ? (current.disabledAt ?? new Date()) : null;
  const endSessions = passwordHash !== undefined || change.disabled === true;
  const user = await prisma.$transaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id },
      data: {
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.language !== undefined ? { language: change.language } : {}),
        ...(passwordHash !== undefined ? { passwordHash } : {}),
        ...(disabledAt !== undefined ? { disabledAt } : {}),
        role,
        officeId,
      },
    });
    await tx.apiKey.update({
      where: { id: current.apiKeyId },
      data: {
        name: `person: ${updated.name}`,
        role,
        officeId,
        ...(disabledAt !== undefined ? { revokedAt: disabledAt } : {}),
      },
    });
    if (endSessions) await tx.session.deleteMany({ where: { userId: id } });
    return updated;
  });
  return publicUser(user);
}

/** Accounts in id (creation) order, a page at a time. */
export const listUsers = async (
  prisma: PrismaClient,
  args: { take?: number; orderBy?: { id: 'asc' }; after?: Prisma.UserWhereInput } = {},
) => {
  const { after, ...page } = args;
  const rows = await prisma.user.findMany({ orderBy: { id: 'asc' }, ...page, where: { ...after } });
  return rows.map(publicUser);
};

export const findUserByEmail = (prisma: PrismaClient, email: string) =>
  prisma.user.findUnique({ where: { email: normalizeEmail(email) } });
