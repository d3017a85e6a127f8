/**
 * A local stand-in for Resend's HTTP API (POST /emails), for the real `resend` SDK to talk to.
 * It records every request and emulates Resend's idempotency: a repeated Idempotency-Key with
 * the same body answers the first response and creates no new message; with another body it
 * answers 409 invalid_idempotent_request. Failures can be scripted per call; they are not
 * remembered under the key, so a retry after a 429 or 500 can still succeed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  idempotencyKey: string | undefined;
  body: any;
}

export interface AcceptedMessage {
  id: string;
  idempotencyKey: string | undefined;
  body: any;
}

/**
 * What the next call gets: an answer, or `accept-then-drop` (the message is accepted, the connection dies before the
 * answer).
 */
export type Scripted = { status: number; body: unknown; headers?: Record<string, string> } | 'accept-then-drop';

export const rateLimited = (retryAfterSeconds: number): Scripted => ({
  status: 429,
  headers: { 'retry-after': String(retryAfterSeconds) },
  body: {
    statusCode: 429,
    name: 'rate_limit_exceeded',
    message: 'Too many requests. You can only make 2 requests per second.',
  },
});
export const serverError = (): Scripted => ({
  status: 500,
  body: { statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' },
});
export const validationError = (message: string): Scripted => ({
  status: 422,
  body: { statusCode: 422, name: 'validation_error', message },
});

export interface FakeResend {
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  messages: AcceptedMessage[];
  /** Answers for the next calls, in order; afterwards calls are handled normally. */
  script(...answers: Scripted[]): void;
  reset(): void;
  close(): Promise<void>;
}

const bodyHash = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

export async function startFakeResend(apiKey = 're_test_fake_key'): Promise<FakeResend> {
  const requests: RecordedRequest[] = [];
  const messages: AcceptedMessage[] = [];
  const scripted: Scripted[] = [];
  const byKey = new Map<string, { hash: string; id: string }>();
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const accept = (key: string | undefined, body: any): { id: string; fresh: boolean } | { conflict: true } => {
    const hash = bodyHash(body);
    const earlier = key ? byKey.get(key) : undefined;
    if (earlier) return earlier.hash === hash ? { id: earlier.id, fresh: false } : { conflict: true };
    const id = randomUUID();
    messages.push({ id, idempotencyKey: key, body });
    if (key) byKey.set(key, { hash, id });
    return { id, fresh: true };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = raw ? JSON.parse(raw) : undefined;
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, idempotencyKey, body });

      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return send(res, 403, { statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid' });
      if (req.method !== 'POST' || req.url !== '/emails')
        return send(res, 404, { statusCode: 404, name: 'not_found', message: 'not found' });
      const next = scripted.shift();
      if (next === 'accept-then-drop') {
        accept(idempotencyKey, body);
        req.socket.destroy();
        return;
      }
      if (next) return send(res, next.status, next.body, next.headers);
      if (!body?.to || !body?.from || !body?.subject)
        return send(res, 422, {
          statusCode: 422,
          name: 'missing_required_field',
          message: 'Missing `to`, `from` or `subject` field.',
        });
      const outcome = accept(idempotencyKey, body);
      if ('conflict' in outcome)
        return send(res, 409, {
          statusCode: 409,
          name: 'invalid_idempotent_request',
          message: 'Same idempotency key used with a different request payload.',
        });
      send(res, 200, { id: outcome.id });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    messages,
    script: (...answers) => void scripted.push(...answers),
    reset() {
      requests.length = 0;
      messages.length = 0;
      scripted.length = 0;
      byKey.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
