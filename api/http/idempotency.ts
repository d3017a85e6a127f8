import { createHash } from 'node:crypto';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { Actor, Reply } from './route.js';

const TTL_MS = 24 * 60 * 60 * 1000;
/** 1 to 255 printable ASCII characters (also what /openapi.json documents). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface IdempotencyScope {
  key: string;
  requestHash: string;
}

/** Reads and checks the `Idempotency-Key` header of a POST; undefined when absent. */
export function idempotencyScope(
  header: string | undefined,
  method: string,
  path: string,
  body: unknown,
): IdempotencyScope | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 printable ASCII characters', {
      errors: [{ in: 'header', path: 'Idempotency-Key', message: 'invalid' }],
    });
  }
  const requestHash = createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
  return { key: header, requestHash };
}

/** A request still running with this key longer than this was abandoned (its process died): a retry takes over. */
const ABANDONED_AFTER_MS = 5 * 60 * 1000;

const inProgress = () =>
  new ApiError(
    409,
    'idempotency_in_progress',
    'a request with this Idempotency-Key is still running; retry shortly',
    {},
    { 'Retry-After': '1' },
  );

/**
 * Reserves the key for this request before it runs, in the database, so that two API processes
 * never both run the same request. Answers the stored reply when the key was used before within
 * 24 h; the same key with another request is a 422; a twin arriving while the first still runs
 * is a 409 (retry shortly).
 */
export async function reserve(
  { prisma }: AppDeps,
  actor: Actor,
  scope: IdempotencyScope,
): Promise<{ replay: Reply } | { reserved: true }> {
  const where = { apiKeyId_key: { apiKeyId: actor.keyId, key: scope.key } };
  for (let attempt = 0; attempt < 3; attempt++) {
    const { count } = await prisma.idempotencyRecord.createMany({
      data: [{ apiKeyId: actor.keyId, key: scope.key, requestHash: scope.requestHash }],
      skipDuplicates: true,
    });
    if (count === 1) return { reserved: true };
    const record = await prisma.idempotencyRecord.findUnique({ where });
    if (!record) continue; // released in between: try again
    const age = Date.now() - record.createdAt.getTime();
    if (age > TTL_MS) {
      await prisma.idempotencyRecord.deleteMany({ where: { id: record.id, createdAt: record.createdAt } });
      continue;
    }
    if (record.requestHash !== scope.requestHash) {
      throw new ApiError(
        422,
        'idempotency_key_reused',
        'this Idempotency-Key was already used with a different request',
      );
    }
    if (record.responseStatus === null) {
      if (age < ABANDONED_AFTER_MS) throw inProgress();
      const { count: taken } = await prisma.idempotencyRecord.updateMany({
        where: { id: record.id, createdAt: record.createdAt, responseStatus: null },
        data: { createdAt: new Date() },
      });
      if (taken === 1) return { reserved: true };
      continue;
    }
    return {
      replay: { status: record.responseStatus, body: record.responseBody, headers: { 'Idempotent-Replayed': 'true' } },
    };
  }
  throw inProgress();
}

/**
 * Frees the key after a request that failed without an answer to keep (a thrown error, a 5xx): a retry runs it for
 * real.
 */
export async function release({ prisma }: AppDeps, actor: Actor, scope: IdempotencyScope): Promise<void> {
  await prisma.idempotencyRecord.deleteMany({
    where: { apiKeyId: actor.keyId, key: scope.key, responseStatus: null },
  });
}

/**
 * Fields kept out of stored answers: they are purged from the case later (data minimisation), and must not outlive it
 * here.
 */
const PURGED_FIELDS = new Set(['cardholderEmail']);
const withoutPurgedFields = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutPurgedFields)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, PURGED_FIELDS.has(k) ? null : withoutPurgedFields(v)]),
        )
      : value;

/**
 * Stores the answer under the reserved key (a 5xx frees it instead: it may be retried for real), minus purged fields.
 */
export async function remember(deps: AppDeps, actor: Actor, scope: IdempotencyScope, reply: Reply): Promise<void> {
  if (reply.status >= 500) return release(deps, actor, scope);
  await deps.prisma.idempotencyRecord.updateMany({
    where: { apiKeyId: actor.keyId, key: scope.key, responseStatus: null },
    data: {
      responseStatus: reply.status,
      responseBody: withoutPurgedFields(JSON.parse(JSON.stringify(reply.body ?? null))) as object,
    },
  });
}
