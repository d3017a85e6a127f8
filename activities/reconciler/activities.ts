import { ApplicationFailure, Context } from '@temporalio/activity';
import type { CaseType } from '../../lib/db/client.js';
import { startReplayWorkflow } from '../../lib/caro/replay-start.js';
import { START_CONCURRENCY, startCases, type CaseStart } from '../../lib/temporal/start-case.js';
import type { ReconcileRequest, ReconcileResult } from '../../workflows/reconciler/contract.js';
import type { ActivityDeps } from '../deps.js';

export function createReconcilerActivities(deps: ActivityDeps) {
  const { prisma, logger } = deps;

  /** The ids among `ids` whose case row still exists. */
  async function existingCases(caseType: CaseType, ids: string[]): Promise<Set<string>> {
    const where = { where: { id: { in: ids } }, select: { id: true } } as const;
    const rows =
      caseType === 'mandate'
        ? await prisma.mandate.findMany(where)
        : caseType === 'caro'
          ? await prisma.caroOrder.findMany(where)
          : await prisma.connection.findMany(where);
    return new Set(rows.map((r) => r.id));
  }

  return {
    /**
     * One round of the reconciler: the oldest pending starts get their workflow started (same id;
     * a workflow that exists, even closed, counts as started). Confirmed starts leave
     * `pending_starts`; a case whose row is gone is dropped without a start (no orphan workflow).
     * Once a start goes unanswered, the round ends: the next one tries again.
     */
    async reconcilePendingStarts({ olderThanMs, limit }: ReconcileRequest): Promise<ReconcileResult> {
      if (!deps.temporal)
        throw ApplicationFailure.nonRetryable(
          'the worker has no Temporal client for the reconciler',
          'NoTemporalClient',
        );
      const { client, taskQueue, timeoutMs } = deps.temporal;
      const startDeps = { temporal: client, taskQueue, timeoutMs, prisma, logger };
      const result: ReconcileResult = { created: 0, existing: 0, pending: 0, refused: 0, dropped: 0 };
      const pending = await prisma.pendingStart.findMany({
        where: { createdAt: { lt: new Date(Date.now() - olderThanMs) } },
        orderBy: { createdAt: 'asc' },
        take: limit,
      });
      const alive = new Map<CaseType, Set<string>>();
      for (const caseType of ['mandate', 'caro', 'connection'] as const) {
        const ids = pending.filter((p) => p.caseType === caseType).map((p) => p.caseId);
        alive.set(caseType, ids.length ? await existingCases(caseType, ids) : new Set());
      }
      const gone = pending.filter((p) => !alive.get(p.caseType)!.has(p.caseId));
      if (gone.length) {
        await prisma.pendingStart.deleteMany({ where: { workflowId: { in: gone.map((p) => p.workflowId) } } });
        logger.warn({ workflowIds: gone.map((p) => p.workflowId) }, 'pending start dropped: its case row is gone');
        result.dropped = gone.length;
      }
      const starts: CaseStart[] = pending
        .filter((p) => alive.get(p.caseType)!.has(p.caseId))
        .map((p) => ({ ...p, input: p.input as unknown }));
      // Support's bulk replays confirmed without a confirmed start (issue 16): same workflow id, started once.
      const batches = await prisma.caroReplayBatch.findMany({
        where: { status: 'confirmed', confirmedAt: { lt: new Date(Date.now() - olderThanMs) } },
        orderBy: { confirmedAt: 'asc' },
        take: limit,
      });
      for (const batch of batches) {
        const started = await startReplayWorkflow({ temporal: client, taskQueue, timeoutMs, logger }, batch);
        if (started.outcome === 'refused') {
          result.refused++;
          logger.error({ batchId: batch.id, reason: started.reason }, 'reconciler: Temporal refused the bulk replay');
        } else result[started.outcome === 'pending_start' ? 'pending' : started.outcome]++;
      }
      for (let i = 0; i < starts.length; i += START_CONCURRENCY) {
        const chunk = starts.slice(i, i + START_CONCURRENCY);
        const outcomes = await startCases(startDeps, chunk, { rejectDuplicate: true });
        outcomes.forEach((o, j) => {
          if (o.outcome !== 'refused') {
            result[o.outcome === 'pending_start' ? 'pending' : o.outcome]++;
            return;
          }
          result.refused++;
          logger.error(
            { workflowId: chunk[j]!.workflowId, reason: o.reason },
            'reconciler: Temporal refused the start',
          );
        });
        Context.current().heartbeat(i);
        if (outcomes.some((o) => o.outcome === 'pending_start')) {
          result.pending += starts.length - i - chunk.length;
          break;
        }
      }
      return result;
    },
  };
}
