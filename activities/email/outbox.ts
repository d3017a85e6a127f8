import type { Language } from '../../workflows/shared/language.js';
import type { ActivityDeps } from '../deps.js';

export interface OutgoingEmail {
  /** Derived from workflow id + step, never from the attempt: a retry finds the same row. */
  idempotencyKey: string;
  template: string;
  language: Language;
  to: string;
  subject: string;
  text: string;
  html: string;
  caseType?: 'mandate' | 'caro' | 'connection';
  caseId?: string;
}

/**
 * Records a message in the outbox exactly once per idempotency key. Returns false
 * when the key was already there (a retried activity): nothing new is queued.
 */
export function createEmailOutbox({ prisma }: Pick<ActivityDeps, 'prisma'>) {
  return async function enqueueEmail(email: OutgoingEmail): Promise<boolean> {
    const { to, ...rest } = email;
    const created = await prisma.emailOutbox.createMany({
      data: [{ ...rest, toAddress: to, status: 'queued' }],
      skipDuplicates: true,
    });
    return created.count === 1;
  };
}
