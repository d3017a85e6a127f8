import { Router } from 'express';
import type { AppDeps } from '../deps.js';
import { withTemporalDeadline } from '../deps.js';
import { workerPresence } from '../services/worker-presence.js';

type Check = { ok: true } | { ok: false; error: string };

async function check(fn: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([fn(), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? (error.message.split('\n')[0] ?? 'failed') : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

/** Unknown while Temporal does not answer (that is `temporal`'s failure); otherwise the pollers seen. */
async function workerCheck(deps: AppDeps): Promise<Check & { pollers?: number; note?: string }> {
  try {
    return await workerPresence(deps);
  } catch (error) {
    return { ok: false, error: `task queue not described: ${(error as Error).message.split('\n')[0]}` };
  }
}

export function healthRoutes(deps: AppDeps): Router {
  const router = Router();
  /** Liveness: the process answers. Never depends on anything else. */
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  /**
   * Readiness: 200 only when Temporal and the database answer and a worker polls the task queue;
   * otherwise 503 naming the failing part (`temporal`, `database`, `worker`).
   */
  router.get('/readyz', async (_req, res) => {
    const [temporal, database, worker] = await Promise.all([
      check(
        () => withTemporalDeadline(deps, () => deps.temporal.workflowService.getSystemInfo({})),
        deps.temporalTimeoutMs,
      ),
      check(() => deps.prisma.$queryRaw`SELECT 1`, deps.temporalTimeoutMs),
      workerCheck(deps),
    ]);
    const ready = temporal.ok && database.ok && worker.ok;
    if (!ready) res.setHeader('Retry-After', '5');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable', checks: { temporal, database, worker } });
  });
  return router;
}
