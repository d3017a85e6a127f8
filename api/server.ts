import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '../lib/logger.js';

export interface RunningServer {
  url: string;
  /** Stops accepting, lets in-flight requests finish, then closes what is left after `timeoutMs`. */
  close(): Promise<void>;
}

export function listen(
  app: Express,
  opts: { port: number; host: string; logger: Logger; shutdownTimeoutMs: number },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(opts.port, opts.host);
    server.once('error', reject);
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      const host = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${host}:${port}`,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            opts.logger.info('api draining: finishing in-flight requests');
            const force = setTimeout(() => {
              opts.logger.warn(
                { timeoutMs: opts.shutdownTimeoutMs },
                'api drain timeout: closing remaining connections',
              );
              server.closeAllConnections();
            }, opts.shutdownTimeoutMs);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          })),
      });
    });
  });
}
