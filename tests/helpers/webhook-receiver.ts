// A real HTTP receiver of webhooks for tests: records every request (headers and raw body) and
// answers per path as the test says: a status, or a status per attempt, or `hold` (no answer until
// the connection goes).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The payload, parsed. */
  json: any;
  status: number | 'held';
}

/** What a path answers: one status, or the n-th request's status (the last one repeats), or hold. */
export type Behaviour = number | number[] | 'hold';

export interface WebhookReceiver {
  url: string;
  received: Received[];
  on(path: string, behaviour: Behaviour): void;
  at(path: string): Received[];
  /** Verifies a request with the standardwebhooks verifier; the parsed payload, or it throws. */
  verify(r: Received, secret: string): unknown;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const held = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString();
      const behaviour = behaviours.get(path) ?? 200;
      const n = received.filter((r) => r.path === path).length;
      const status =
        behaviour === 'hold' && n === 0
          ? 'held'
          : typeof behaviour === 'number'
            ? behaviour
            : Array.isArray(behaviour)
              ? (behaviour[Math.min(n, behaviour.length - 1)] ?? 200)
              : 200;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      received.push({ path, headers, body, json: JSON.parse(body), status });
      if (status === 'held') {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    on: (path, behaviour) => behaviours.set(path, behaviour),
    at: (path) => received.filter((r) => r.path === path),
    verify: (r, secret) =>
      new Webhook(secret).verify(r.body, {
        'webhook-id': r.headers['webhook-id']!,
        'webhook-timestamp': r.headers['webhook-timestamp']!,
        'webhook-signature': r.headers['webhook-signature']!,
      }),
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
