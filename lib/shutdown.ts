import type { Logger } from './logger.js';

/** A repeat this soon is the same Ctrl-C arriving twice (the terminal's, and the one tsx/npm relay). */
const SAME_SIGNAL_MS = 2_000;

export interface ShutdownOptions {
  /** Exits 1 when `stop` has not finished by then; without it, waits as long as `stop` takes. */
  forceExitAfterMs?: number;
  /** Default: SIGINT and SIGTERM. */
  signals?: NodeJS.Signals[];
}

/**
 * Runs `stop` once on the first SIGINT/SIGTERM, then exits 0 (1 if it failed or overran `forceExitAfterMs`).
 * Another signal while stopping, later than the relayed copy of the first, exits at once (130).
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>, opts: ShutdownOptions = {}): void {
  let stoppingSince: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SAME_SIGNAL_MS) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    if (opts.forceExitAfterMs !== undefined) {
      setTimeout(() => {
        logger.error({ afterMs: opts.forceExitAfterMs }, 'shutdown did not finish in time: exiting now');
        process.exit(1);
      }, opts.forceExitAfterMs).unref();
    }
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of opts.signals ?? ['SIGINT', 'SIGTERM']) process.on(signal, handle);
}
