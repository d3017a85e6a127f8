// The worker's GET /metrics: this process's prom-client registry (Node's metrics, e-mails by
// template and outcome) followed by the Temporal SDK's own worker metrics (task latencies, slots,
// sticky cache, polls), which the SDK runtime's Prometheus exporter serves on a loopback port.
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { Logger } from '../lib/logger.js';
import { PROMETHEUS_CONTENT_TYPE, processRegistry } from '../lib/metrics/registry.js';

/** A loopback port the OS just handed out, for the SDK's exporter (it needs a fixed address). */
export function loopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function sdkMetrics(sdkAddress: string): Promise<string> {
  const res = await fetch(`http://${sdkAddress}/metrics`, { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`the SDK exporter answered ${res.status}`);
  return res.text();
}

export interface WorkerMetricsServer {
  url: string;
  close(): Promise<void>;
}

export async function serveWorkerMetrics(opts: {
  port: number;
  host: string;
  /** host:port of the SDK runtime's Prometheus exporter. */
  sdkAddress: string;
  logger: Logger;
}): Promise<WorkerMetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    void (async () => {
      const own = await processRegistry().metrics();
      let sdk = '';
      try {
        sdk = await sdkMetrics(opts.sdkAddress);
      } catch (error) {
        opts.logger.warn({ err: { message: (error as Error).message } }, 'Temporal SDK metrics not read');
      }
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(`${own}\n${sdk}`);
    })().catch((error: unknown) => {
      opts.logger.error({ err: { message: (error as Error).message } }, 'metrics not collected');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics not collected\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${opts.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
