// GET /v1/connections: the page written as JSON by PostgreSQL (row_to_json), answered without
// parsing a row in Node; the same rows, keys and order as the Prisma model's objects gave.
import { Prisma, type Connection } from '../../lib/db/client.js';
import { jsonColumnsSql, sqlJsonRows, type JsonColumn } from '../../lib/db/sql-read.js';
import { CONNECTION_STATUSES, type ConnectionStatus } from '../../workflows/consent-renewal/contract.js';
import type { AppDeps } from '../deps.js';
import { jsonPage } from '../http/pagination.js';
import type { Actor } from '../http/route.js';
import { tenantScope } from '../http/scope.js';

/** A connection's columns as the API shows them, in the model's order; the status version is the workflow's. */
const COLUMNS = {
  id: 'value',
  officeId: 'value',
  clientId: 'value',
  ownerEmail: 'value',
  ownerLanguage: 'value',
  provider: 'value',
  bankName: 'value',
  ibans: 'value',
  validUntil: 'time',
  status: 'value',
  fetchFrom: 'time',
  usedByUser: 'value',
  statusChangedAt: 'time',
  workflowId: 'value',
  createdAt: 'time',
  updatedAt: 'time',
} as const satisfies Record<Exclude<keyof Connection, 'statusVersion'>, JsonColumn>;

const SELECT = jsonColumnsSql('c', COLUMNS);
/** The action each status asks for (CONNECTION_STATUSES), as the statement's lookup table. */
const ACTIONS = JSON.stringify(CONNECTION_STATUSES satisfies Record<ConnectionStatus, string>);

export interface ConnectionFilter {
  cursor?: string | undefined;
  limit: number;
  status?: ConnectionStatus | undefined;
  officeId?: string | undefined;
  clientId?: string | undefined;
  expiresWithinDays?: number | undefined;
}

/** One page of connections the actor may see, filters ANDed, in id order: the answer's bytes. */
export async function connectionPage(deps: AppDeps, actor: Actor, query: ConnectionFilter): Promise<Buffer> {
  // Every filter narrows (AND), as for clients: an accountant naming another office gets nothing.
  const scope: { officeId?: string } = tenantScope(actor).connection;
  const where = [
    ...(query.cursor ? [Prisma.sql`c.id > ${query.cursor}`] : []),
    ...(scope.officeId !== undefined ? [Prisma.sql`c."officeId" = ${scope.officeId}`] : []),
    ...(query.officeId ? [Prisma.sql`c."officeId" = ${query.officeId}`] : []),
    ...(query.clientId ? [Prisma.sql`c."clientId" = ${query.clientId}`] : []),
    ...(query.status ? [Prisma.sql`c.status = ${query.status}::"ConnectionStatus"`] : []),
    ...(query.expiresWithinDays !== undefined
      ? [Prisma.sql`c."validUntil" <= ${new Date(Date.now() + query.expiresWithinDays * 86_400_000)}`]
      : []),
  ];
  const rows = await sqlJsonRows(
    deps.prisma,
    Prisma.sql`
      SELECT c.id, (SELECT row_to_json(r)::text FROM (SELECT ${SELECT}, ${ACTIONS}::jsonb ->> c.status::text AS action) r) AS json
      FROM connections c
      ${where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}` : Prisma.empty}
      ORDER BY c.id
      LIMIT ${query.limit + 1}`,
  );
  return jsonPage(rows, query.limit);
}
