/**
 * Whether an error means the database could not be reached or dropped the connection (as opposed
 * to a query it refused): the request may be retried once it is back. Recognises what the `pg`
 * driver, Prisma's driver adapter and Prisma's own engine codes say, anywhere in the cause chain.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
/** Prisma: can't reach, timed out, closed, pool exhausted. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/**
 * PostgreSQL SQLSTATE: connection exceptions (class 08), shutting down / starting up (57P01-57P03), too many
 * connections.
 */
const isUnavailableSqlState = (code: string) => code.startsWith('08') || /^57P0[1-3]$/.test(code) || code === '53300';
/** Prisma driver-adapter error kinds. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const MESSAGES = /Can't reach database server|Connection terminated|server closed the connection|connect ECONNREFUSED/i;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 8 || error === null || typeof error !== 'object') return false;
  const e = error as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
  for (const code of [e.code, e.originalCode]) {
    if (typeof code !== 'string') continue;
    if (
      NETWORK_CODES.has(code) ||
      PRISMA_CODES.has(code) ||
      (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code))
    )
      return true;
  }
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== error && isDatabaseUnavailable(e.cause, depth + 1);
}
