// GET /v1/mandates/:id in one statement: the mandate, its account and client, and the case's facts
// (facts-sql.ts), one round trip where the row, its account, its client and each fact were a query each.
import { Prisma, type Mandate } from '../../lib/db/client.js';
import { sqlRows } from '../../lib/db/sql-read.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import type { Actor } from '../http/route.js';
import { officesToMatch } from '../http/scope.js';
import { caseFactColumns, reviveDates } from './cases/facts-sql.js';
import { mandateHead, presentCaseFacts, type presentTransition } from './cases/head.js';
import { presentEmailProblem } from './email-problems.js';
import { presentMandate } from './mandates.js';
import { peopleByKey } from './people.js';

type Transition = Parameters<typeof presentTransition>[0];
type EmailRow = Parameters<typeof presentEmailProblem>[0];

interface DetailRow extends Mandate {
  iban: string;
  bankName: string;
  isKbcGroup: boolean;
  clientId: string;
  officeId: string;
  history: Record<string, unknown>[];
  startPending: boolean;
  emailProblems: Record<string, unknown>[];
  reminders: { kind: string; sequence: number; toAddress: string | null; sentAt: string }[];
}

/** The mandate's columns in the model's order: the answer's keys come in the order Prisma gave them. */
const MANDATE_COLUMNS = Prisma.raw(
  Object.values(Prisma.MandateScalarFieldEnum)
    .map((column) => `m."${column}"`)
    .join(', '),
);

/** The mandate's detail as the API answers it; 404 when it does not exist or is another office's. */
export async function mandateDetail(deps: AppDeps, actor: Actor, id: string) {
  const offices = officesToMatch(actor, undefined);
  const [row] = await sqlRows<DetailRow>(
    deps.prisma,
    Prisma.sql`
    SELECT ${MANDATE_COLUMNS}, a.iban, a."bankName", a."isKbcGroup", c.id AS "clientId", c."officeId",
           ${caseFactColumns('mandate', 'm')}
    FROM mandates m
    JOIN bank_accounts a ON a.id = m."bankAccountId"
    JOIN clients c ON c.id = a."clientId"
    WHERE ${Prisma.join([Prisma.sql`m.id = ${id}`, ...offices.map((office) => Prisma.sql`c."officeId" = ${office}`)], ' AND ')}`,
  );
  if (!row) throw notFound('mandate');
  const { iban, bankName, isKbcGroup, clientId, officeId, history, startPending, emailProblems, reminders, ...m } = row;
  const mandate = { ...m, bankAccount: { iban, bankName, isKbcGroup, client: { id: clientId, officeId } } };
  const transitions = reviveDates(history, 'at') as unknown as Transition[];
  // The people who acted, by name: one more statement when a key acted, none when only the system did.
  const people = await peopleByKey(
    deps.prisma,
    transitions.map((t) => t.actorId),
  );
  const facts = presentCaseFacts(mandateHead(mandate, deps), transitions, startPending, people);
  return {
    ...presentMandate(mandate),
    ...facts,
    reminders: reminders.map((r) => ({
      revision: Number(r.kind.replace(/^mandate:r/, '')),
      number: r.sequence,
      sentAt: r.sentAt,
      toAddress: r.toAddress,
    })),
    emailProblems: (reviveDates(emailProblems, 'createdAt', 'updatedAt') as unknown as EmailRow[]).map(
      presentEmailProblem,
    ),
  };
}
