// Writes an event in the caller's transaction (the change it describes commits with it, or
// neither does). One lock orders the writers, so `seq` is also commit order: a feed reader that
// has seen seq N never later finds an event below N. `sourceKey` makes a retried write a no-op.
import { uuidv7 } from '../db/ids.js';
import type { Prisma, PrismaClient } from '../db/client.js';
import type { EventSubject, EventType } from './catalogue.js';

/** pg_advisory_xact_lock's key for the event writers (any constant; "bfev" in ASCII). */
const EVENT_LOCK = 0x62666576;

export interface EventDraft {
  type: EventType;
  subject: EventSubject;
  subjectId: string;
  /** Facts of the change: ids, states, reasons, dates (never an address, a link or card data). */
  data: Record<string, unknown>;
  occurredAt: Date;
  /** The case's status after the change; the row's current status when not given. */
  status?: string;
  /** What this event describes, once: `transition:mandate:<id>:7`, `email:<idempotency key>`. */
  sourceKey: string;
}

/** The office, client and current status of each kind of subject, by its id ($1). */
const SUBJECT_ROW: Record<EventSubject, string> = {
  mandate: `SELECT c."officeId", c."id" AS "clientId", m."status"::text AS "status" FROM "mandates" m
    JOIN "bank_accounts" b ON b."id" = m."bankAccountId" JOIN "clients" c ON c."id" = b."clientId" WHERE m."id" = $1`,
  caro: `SELECT c."officeId", c."id" AS "clientId", o."status"::text AS "status" FROM "caro_orders" o
    JOIN "clients" c ON c."id" = o."clientId" WHERE o."id" = $1`,
  connection: `SELECT n."officeId", n."clientId", n."status"::text AS "status" FROM "connections" n WHERE n."id" = $1`,
  client: `SELECT c."officeId", c."id" AS "clientId", NULL::text AS "status" FROM "clients" c WHERE c."id" = $1`,
};

type Tx = Pick<PrismaClient, '$executeRawUnsafe'>;

/** Records `draft` inside transaction `tx`; true when written, false when its source already has its event. */
export async function recordEvent(tx: Tx, draft: EventDraft): Promise<boolean> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${EVENT_LOCK})`);
  const written = await tx.$executeRawUnsafe(
    `INSERT INTO "events" ("id", "type", "subjectType", "subjectId", "sequence", "officeId", "clientId", "status",
       "data", "occurredAt", "sourceKey")
     SELECT $2, $3, $4, $1,
       COALESCE((SELECT MAX("sequence") FROM "events" WHERE "subjectType" = $4 AND "subjectId" = $1), 0) + 1,
       s."officeId", s."clientId", COALESCE($8::text, s."status"), $5::jsonb, $6, $7
     FROM (${SUBJECT_ROW[draft.subject]}) s
     ON CONFLICT ("sourceKey") DO NOTHING`,
    draft.subjectId,
    uuidv7(),
    draft.type,
    draft.subject,
    JSON.stringify(draft.data),
    draft.occurredAt,
    draft.sourceKey,
    draft.status ?? null,
  );
  return written === 1;
}

/**
 * Options for a transaction that writes an event: the embedded database is one connection, so a
 * transaction may queue behind others for a while; Prisma's 2 s default gave up under load.
 */
export const EVENT_TX = { maxWait: 30_000, timeout: 30_000 } as const;

/** Runs `write` and records `draft` in one transaction. */
export async function withEvent<T>(
  prisma: PrismaClient,
  draft: EventDraft | undefined,
  write: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  if (!draft) return write(prisma);
  return prisma.$transaction(async (tx) => {
    const result = await write(tx);
    await recordEvent(tx, draft);
    return result;
  }, EVENT_TX);
}
