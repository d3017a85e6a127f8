import type { Logger } from './logger.js';

/** A repeat this soon is the same Ctrl-C arriving twice (the terminal's, and the one tsx/npm relay). */
const SAME_SIGNAL_MS = 2_000;

/**
 * Runs `stop` once on the first SIGINT/SIGTERM, then exits 0 (1 if it failed).
 * Another signal while stopping, later than the relayed copy of the first, exits at once.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SAME_SIGNAL_MS) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
