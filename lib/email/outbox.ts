/**
 * The email_outbox table: one row per idempotency key, for every message in both transports.
 * With Resend it is the case's record of what went out (queued → sent / failed / rejected); in
 * development it is the delivery itself, listed for operators.
 */
import type {
  CaseType,
  EmailOutbox,
  EmailStatus,
  Language,
  Prisma,
  PrismaClient,
} from '../../prisma/generated/client.js';
import { EVENT_TX } from '../events/record.js';

type Db = Pick<PrismaClient, 'emailOutbox'>;

export interface OutboxDraft {
  /** Derived from workflow id + step, never from the attempt: a retry finds the same row. */
  idempotencyKey: string;
  template: string;
  language: Language;
  /** null: no address known; the row is recorded as rejected with `missing_recipient`. */
  to: string | null;
  subject: string;
  html: string;
  text: string;
  caseType?: CaseType;
  caseId?: string;
}

export const MISSING_RECIPIENT = 'missing_recipient';

/**
 * The row for `draft.idempotencyKey`: created now, or the one an earlier attempt created, whose
 * recipient and content then win, so a retry re-sends exactly what the first attempt sent.
 */
export async function claimOutboxRow(db: Db, draft: OutboxDraft): Promise<EmailOutbox> {
  const { to, ...rest } = draft;
  await db.emailOutbox.createMany({
    data: [
      { ...rest, toAddress: to, ...(to ? { status: 'queued' } : { status: 'rejected', error: MISSING_RECIPIENT }) },
    ],
    skipDuplicates: true,
  });
  return db.emailOutbox.findUniqueOrThrow({ where: { idempotencyKey: draft.idempotencyKey } });
}

/**
 * The same, queued only while `holds`: a fact the message is about (a deadline still stored) that
 * another writer may change at any instant. Checked in the claim's transaction, where `holds` can
 * lock what it reads, so the change lands before the claim (nothing is queued: null) or after it
 * (the message goes out, as decided). A row an earlier attempt claimed is returned as it is.
 */
export async function claimOutboxRowIf(
  prisma: Pick<PrismaClient, '$transaction'>,
  draft: OutboxDraft,
  holds: (tx: Prisma.TransactionClient) => Promise<boolean>,
): Promise<EmailOutbox | null> {
  // The embedded database's one connection may be busy for a while under load: EVENT_TX's patience.
  return prisma.$transaction(async (tx) => {
    const earlier = await tx.emailOutbox.findUnique({ where: { idempotencyKey: draft.idempotencyKey } });
    if (earlier) return earlier;
    return (await holds(tx)) ? claimOutboxRow(tx, draft) : null;
  }, EVENT_TX);
}

// A row that reached `sent` or `rejected` never changes again.
const OPEN: EmailStatus[] = ['queued', 'failed'];

export const markSent = (db: Db, id: string, providerMessageId: string | null) =>
  db.emailOutbox.updateMany({
    where: { id, status: { in: OPEN } },
    data: { status: 'sent', providerMessageId, error: null, sentAt: new Date() },
  });

/** A transient failure: the activity is retried and the row may still become `sent`. */
export const markFailed = (db: Db, id: string, error: string) =>
  db.emailOutbox.updateMany({ where: { id, status: { in: OPEN } }, data: { status: 'failed', error } });

/** The provider refused the message: the case shows "e-mail rejected" with this reason. */
export const markRejected = (db: Db, id: string, error: string) =>
  db.emailOutbox.updateMany({ where: { id, status: { in: OPEN } }, data: { status: 'rejected', error } });

export interface OutboxQuery {
  status?: EmailStatus;
  caseType?: CaseType;
  caseId?: string;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** 1–200. */
  limit: number;
}

const LISTED = {
  id: true,
  idempotencyKey: true,
  template: true,
  language: true,
  toAddress: true,
  subject: true,
  text: true,
  status: true,
  providerMessageId: true,
  error: true,
  caseType: true,
  caseId: true,
  createdAt: true,
  updatedAt: true,
  sentAt: true,
} as const;

export type OutboxListItem = Omit<EmailOutbox, 'html'>;

/** Outbox rows, newest first, without the HTML part (findOutboxMessage has it), for operators. */
export async function listOutbox(
  db: Db,
  query: OutboxQuery,
): Promise<{ items: OutboxListItem[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(query.limit), 1), 200);
  const items = await db.emailOutbox.findMany({
    where: {
      ...(query.status ? { status: query.status } : {}),
      ...(query.caseType ? { caseType: query.caseType } : {}),
      ...(query.caseId ? { caseId: query.caseId } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    take: limit + 1,
    select: LISTED,
  });
  const page = items.slice(0, limit);
  return { items: page, nextCursor: items.length > limit ? (page.at(-1)?.id ?? null) : null };
}

/** One outbox row with its HTML part (for an operator viewing a development message). */
export const findOutboxMessage = (db: Db, id: string): Promise<EmailOutbox | null> =>
  db.emailOutbox.findUnique({ where: { id } });
