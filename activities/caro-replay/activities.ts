import { ApplicationFailure, Context } from '@temporalio/activity';
import type { CaroReplayBatch, CaroReplayCase } from '../../lib/db/client.js';
import {
  decideReplay,
  replay,
  replayAudit,
  replayFailure,
  type ReplayActor,
  type ReplayDeps,
  type ReplayMechanism,
} from '../../lib/caro/replay.js';
import type { ReplayChunkRequest, ReplayChunkResult } from '../../workflows/caro-replay/contract.js';
import type { ActivityDeps } from '../deps.js';

type Outcome =
  | { outcome: 'replayed'; mechanism: ReplayMechanism; newRunId?: string }
  | { outcome: 'skipped' | 'failed'; detail: string };

/** The person who confirmed the batch: every case is replayed and audited in their name. */
function confirmer(batch: CaroReplayBatch): ReplayActor {
  if (!batch.confirmedByKeyId || !batch.confirmedByRole)
    throw ApplicationFailure.nonRetryable(`replay batch ${batch.id} was never confirmed`, 'NotConfirmed');
  return {
    keyId: batch.confirmedByKeyId,
    role: batch.confirmedByRole,
    ...(batch.confirmedByUserId ? { userId: batch.confirmedByUserId } : {}),
  };
}

/** The bulk replay's steps (workflows/caro-replay): each case re-decided, replayed, recorded once. */
export function createCaroReplayActivities(deps: ActivityDeps) {
  const { prisma, logger } = deps;

  const replayDeps = (): ReplayDeps => {
    if (!deps.temporal)
      throw ApplicationFailure.nonRetryable(
        'the worker has no Temporal client for the bulk replay',
        'NoTemporalClient',
      );
    return { temporal: deps.temporal.client, timeoutMs: deps.temporal.timeoutMs };
  };

  /** Decides and carries out one case. A describe that fails (Temporal away) fails the chunk: it is tried again. */
  async function replayOne(item: CaroReplayCase, actor: ReplayActor): Promise<Outcome> {
    const order = await prisma.caroOrder.findUnique({ where: { id: item.orderId } });
    if (!order) return { outcome: 'skipped', detail: 'the order no longer exists' };
    const decision = await decideReplay(replayDeps(), order);
    if ('why' in decision) return { outcome: 'skipped', detail: decision.why };
    try {
      const done = await replay(replayDeps(), order, decision.mechanism, actor);
      return { outcome: 'replayed', mechanism: decision.mechanism, ...done };
    } catch (error) {
      return { outcome: 'failed', detail: replayFailure(error) };
    }
  }

  /** The case's outcome, the batch's count and (replayed) the audit row, at once; a case already recorded is left. */
  async function record(batch: CaroReplayBatch, item: CaroReplayCase, actor: ReplayActor, result: Outcome) {
    await prisma.$transaction(async (tx) => {
      const written = await tx.caroReplayCase.updateMany({
        where: { id: item.id, outcome: 'pending' },
        data: {
          outcome: result.outcome,
          doneAt: new Date(),
          ...(result.outcome === 'replayed'
            ? { mechanism: result.mechanism, newRunId: result.newRunId ?? null }
            : { detail: result.detail }),
        },
      });
      if (written.count !== 1) return;
      await tx.caroReplayBatch.update({ where: { id: batch.id }, data: { [result.outcome]: { increment: 1 } } });
      if (result.outcome === 'replayed')
        await tx.auditEvent.create({
          data: replayAudit(actor, item.orderId, {
            mechanism: result.mechanism,
            bulk: true,
            batchId: batch.id,
            filter: batch.filter,
            ...(result.newRunId ? { newRunId: result.newRunId } : {}),
          }),
        });
    });
  }

  return {
    /** The batch runs (a confirmed one; a second call changes nothing). */
    async startReplayBatch(batchId: string): Promise<void> {
      await prisma.caroReplayBatch.updateMany({
        where: { id: batchId, status: 'confirmed' },
        data: { status: 'running', startedAt: new Date() },
      });
    },

    /** Up to `limit` pending cases of the batch, in the preview's order: each replayed or skipped, and recorded. */
    async replayCaroChunk({ batchId, limit }: ReplayChunkRequest): Promise<ReplayChunkResult> {
      const batch = await prisma.caroReplayBatch.findUnique({ where: { id: batchId } });
      if (!batch) throw ApplicationFailure.nonRetryable(`no replay batch ${batchId}`, 'BatchNotFound');
      const actor = confirmer(batch);
      const cases = await prisma.caroReplayCase.findMany({
        where: { batchId, outcome: 'pending' },
        orderBy: { id: 'asc' },
        take: limit,
      });
      const counts = { replayed: 0, skipped: 0, failed: 0 };
      for (const item of cases) {
        const result = await replayOne(item, actor);
        await record(batch, item, actor, result);
        counts[result.outcome]++;
        if (result.outcome === 'failed')
          logger.warn({ batchId, caroOrderId: item.orderId, detail: result.detail }, 'CARO bulk replay: case failed');
        Context.current().heartbeat(item.id);
      }
      const remaining = await prisma.caroReplayCase.count({ where: { batchId, outcome: 'pending' } });
      logger.info({ batchId, ...counts, remaining }, 'CARO bulk replay: chunk done');
      return { ...counts, remaining };
    },

    /** Every case has its outcome: the batch is done. */
    async finishReplayBatch(batchId: string): Promise<void> {
      await prisma.caroReplayBatch.updateMany({
        where: { id: batchId, status: { not: 'done' } },
        data: { status: 'done', finishedAt: new Date() },
      });
    },
  };
}
