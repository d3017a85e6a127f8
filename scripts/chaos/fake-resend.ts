/**
 * A stand-in for Resend's HTTP API (POST /emails) inside the harness, for the worker's real
 * `resend` SDK: it records every delivery attempt with its Idempotency-Key, so what the worker
 * actually handed to the provider can be compared with the outbox. Like Resend, a repeated key
 * with the same body answers the first message id (no second message); with another body, 409.
 * Only the key, a hash of the body and the time are kept: no address, link or content.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  key: string | undefined;
  at: number;
  /** `accepted`: a new message; `replayed`: the key was known with the same body; `conflict`: same key, other body. */
  outcome: 'accepted' | 'replayed' | 'conflict';
}

export interface FakeResend {
  url: string;
  apiKey: string;
  deliveries: Delivery[];
  close(): Promise<void>;
}

export async function startFakeResend(apiKey = 're_chaos_fake_key'): Promise<FakeResend> {
  const deliveries: Delivery[] = [];
  const byKey = new Map<string, { hash: string; id: string }>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return answer(403, { statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid' });
      if (req.method !== 'POST' || req.url !== '/emails')
        return answer(404, { statusCode: 404, name: 'not_found', message: 'not found' });
      const raw = Buffer.concat(chunks).toString('utf8');
      const hash = createHash('sha256').update(raw).digest('hex');
      const header = req.headers['idempotency-key'];
      const key = typeof header === 'string' ? header : undefined;
      const earlier = key ? byKey.get(key) : undefined;
      if (earlier && earlier.hash !== hash) {
        deliveries.push({ key, at: Date.now(), outcome: 'conflict' });
        return answer(409, {
          statusCode: 409,
          name: 'invalid_idempotent_request',
          message: 'Same idempotency key used with a different request payload.',
        });
      }
      const id = earlier?.id ?? randomUUID();
      if (key && !earlier) byKey.set(key, { hash, id });
      deliveries.push({ key, at: Date.now(), outcome: earlier ? 'replayed' : 'accepted' });
      answer(200, { id });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
