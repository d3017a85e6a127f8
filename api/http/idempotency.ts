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

/** The first answer given to this key within 24 h, or undefined. The same key with another request is a 422. */
export async function replay({ prisma }: AppDeps, actor: Actor, scope: IdempotencyScope): Promise<Reply | undefined> {
  const record = await prisma.idempotencyRecord.findUnique({
    where: { apiKeyId_key: { apiKeyId: actor.keyId, key: scope.key } },
  });
  if (!record) return undefined;
  if (record.createdAt.getTime() < Date.now() - TTL_MS) {
    await prisma.idempotencyRecord.deleteMany({ where: { id: record.id } });
    return undefined;
  }
  if (record.requestHash !== scope.requestHash) {
    throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used with a different request');
  }
  return { status: record.responseStatus, body: record.responseBody, headers: { 'Idempotent-Replayed': 'true' } };
}

/** Fields kept out of stored answers: they are purged from the case later (data minimisation), and must not outlive it here. */
const PURGED_FIELDS = new Set(['cardholderEmail']);
const withoutPurgedFields = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutPurgedFields)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, PURGED_FIELDS.has(k) ? null : withoutPurgedFields(v)]),
        )
      : value;

/** Remembers the answer (not 5xx: those may be retried for real), minus purged fields. A concurrent twin that stored first wins. */
export async function remember(
  { prisma }: AppDeps,
  actor: Actor,
  scope: IdempotencyScope,
  reply: Reply,
): Promise<void> {
  if (reply.status >= 500) return;
  await prisma.idempotencyRecord.createMany({
    data: [
      {
        apiKeyId: actor.keyId,
        key: scope.key,
        requestHash: scope.requestHash,
        responseStatus: reply.status,
        responseBody: withoutPurgedFields(JSON.parse(JSON.stringify(reply.body ?? null))) as object,
      },
    ],
    skipDuplicates: true,
  });
}
