import { Prisma, type PrismaClient } from '../../lib/db/client.js';

export interface EmailProblem {
  template: string;
  problem: 'rejected' | 'missing_recipient';
  reason: string | null;
  at: Date;
}

/** The same rule in SQL, over an email_outbox row aliased `e` (the attention queue, cases/attention.ts). */
export const EMAIL_NOT_SENT_SQL = Prisma.sql`(e.status = 'rejected' OR e."toAddress" IS NULL)`;

/**
 * What the case shows about e-mail that did not go out: messages the provider rejected
 * (with its reason) and messages with no recipient address (a client without e-mail).
 */
export async function caseEmailProblems(
  prisma: PrismaClient,
  caseType: 'mandate' | 'caro' | 'connection',
  caseId: string,
): Promise<EmailProblem[]> {
  const rows = await prisma.emailOutbox.findMany({
    // Keep in step with EMAIL_NOT_SENT_SQL above.
    where: { caseType, caseId, OR: [{ status: 'rejected' }, { toAddress: null }] },
    orderBy: { createdAt: 'asc' },
    select: { template: true, status: true, error: true, toAddress: true, createdAt: true, updatedAt: true },
  });
  return rows.map(presentEmailProblem);
}

/** One outbox row that did not go out, as the case shows it. */
export const presentEmailProblem = (row: {
  template: string;
  error: string | null;
  toAddress: string | null;
  updatedAt: Date;
}): EmailProblem => ({
  template: row.template,
  problem: row.toAddress === null ? 'missing_recipient' : 'rejected',
  reason: row.toAddress === null ? 'no e-mail address on file' : row.error,
  at: row.updatedAt,
});
