import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient, User } from '../db/client.js';

/** How long a session lasts from its sign-in when SESSION_TTL_HOURS is not set. */
export const DEFAULT_SESSION_TTL_HOURS = 12;
/** lastSeenAt is written at most this often per session (not on every request). */
const SEEN_EVERY_MS = 60_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Opens a session: the cookie's token (256 random bits, returned once, only its SHA-256 stored) and
 * a CSRF token the browser sends back in X-CSRF-Token. Every expired session goes at the same time.
 */
export async function openSession(
  prisma: PrismaClient,
  userId: string,
  ttlHours: number,
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  // Expired sessions go as new ones come (an index range scan): the table holds live ones only.
  await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
  await prisma.session.create({ data: { userId, tokenHash: sha256(token), csrfToken, expiresAt, lastSeenAt: now } });
  return { token, csrfToken, expiresAt };
}

export interface LiveSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  user: User;
}

/** The live session of a cookie's token: unexpired, of an account that is not disabled; else null. */
export async function findSession(prisma: PrismaClient, token: string): Promise<LiveSession | null> {
  if (!token || token.length > 200) return null;
  const session = await prisma.session.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
  const now = Date.now();
  if (!session || session.expiresAt.getTime() <= now || session.user.disabledAt !== null) return null;
  if (now - session.lastSeenAt.getTime() >= SEEN_EVERY_MS)
    await prisma.session.updateMany({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } });
  return { id: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt, user: session.user };
}

/** Ends the session of this cookie's token (no-op when there is none). */
export async function closeSession(prisma: PrismaClient, token: string): Promise<void> {
  if (token) await prisma.session.deleteMany({ where: { tokenHash: sha256(token) } });
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const [a, b] = [Buffer.from(sha256(presented), 'hex'), Buffer.from(sha256(expected), 'hex')];
  return timingSafeEqual(a, b);
}
