import { Router } from 'express';
import type { AppDeps } from '../deps.js';
import { withTemporalDeadline } from '../deps.js';

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

export function healthRoutes(deps: AppDeps): Router {
  const router = Router();
  /** Liveness: the process answers. Never depends on anything else. */
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  /** Readiness: 200 only when both Temporal and the database answer; otherwise 503 naming the failing part. */
  router.get('/readyz', async (_req, res) => {
    const [temporal, database] = await Promise.all([
      check(
        () => withTemporalDeadline(deps, () => deps.temporal.workflowService.getSystemInfo({})),
        deps.temporalTimeoutMs,
      ),
      check(() => deps.prisma.$queryRaw`SELECT 1`, deps.temporalTimeoutMs),
    ]);
    const ready = temporal.ok && database.ok;
    if (!ready) res.setHeader('Retry-After', '5');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: { temporal, database } });
  });
  return router;
}
