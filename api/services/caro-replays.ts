import type { z } from 'zod';
import { uuidv7 } from '../../lib/db/ids.js';
import type { CaroOrder, CaroReplayBatch, Prisma } from '../../lib/db/client.js';
import { startReplayWorkflow } from '../../lib/caro/replay-start.js';
import { caroReplayWorkflowId } from '../../workflows/caro-replay/contract.js';
import { CARO_REPLAYABLE } from '../../workflows/caro-activation/plan.js';
import type { AppDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import type { Actor } from '../http/route.js';
import type { caroReplayCasesQuery, createCaroReplayBody } from '../schemas/caro-replays.js';
import { decideReplay } from './caro.js';

export type ReplayFilter = z.output<typeof createCaroReplayBody>;

/** The orders a replay filter names: problems of that reason, or open ones of that status (all open by default). */
export function replayCandidates(filter: ReplayFilter): Prisma.CaroOrderWhereInput {
  const filters: Prisma.CaroOrderWhereInput[] = [
    { status: filter.reason ? 'problem' : (filter.status ?? { in: [...CARO_REPLAYABLE] }) },
  ];
  if (filter.reason) filters.push({ problemReason: filter.reason });
  if (filter.officeId) filters.push({ client: { officeId: filter.officeId } });
  if (filter.since) {
    const since = new Date(filter.since);
    filters.push({ OR: [{ problemAt: { gte: since } }, { problemAt: null, updatedAt: { gte: since } }] });
  }
  return { AND: filters };
}

/** `fn` over `items`, at most `lanes` at once; the results in the order of `items`. */
async function mapLimit<T, R>(items: T[], lanes: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  return results;
}

const SCAN = 500;
const DESCRIBE_LANES = 8;

/**
 * The cases a bulk replay will touch, frozen now: every case in `problem` the filter names (each
 * re-decided at replay time: one no longer failed is reported skipped, with why), and the open cases
 * whose run failed (a describe each, eight at a time). Read in pages: no cap on the count.
 */
async function chooseCases(deps: AppDeps, filter: ReplayFilter): Promise<Pick<CaroOrder, 'id' | 'problemReason'>[]> {
  const where = replayCandidates(filter);
  const chosen: Pick<CaroOrder, 'id' | 'problemReason'>[] = [];
  let after: string | undefined;
  for (;;) {
    const rows: CaroOrder[] = await deps.prisma.caroOrder.findMany({
      where: after ? { AND: [where, { id: { gt: after } }] } : where,
      orderBy: { id: 'asc' },
      take: SCAN,
    });
    if (rows.length === 0) return chosen;
    const open = rows.filter((order) => order.status !== 'problem');
    const decided = await mapLimit(open, DESCRIBE_LANES, (order) => decideReplay(deps, order));
    const failedRuns = new Set(decided.filter((d) => 'mechanism' in d).map((d) => d.orderId));
    chosen.push(...rows.filter((order) => order.status === 'problem' || failedRuns.has(order.id)));
    after = rows.at(-1)!.id;
  }
}

/** The dry run: a batch holding the exact cases, nothing replayed. */
export async function previewBatch(deps: AppDeps, filter: ReplayFilter, actor: Actor): Promise<CaroReplayBatch> {
  const orders = await chooseCases(deps, filter);
  const id = uuidv7();
  const settings = deps.caroReplay ?? { chunkSize: 20, pauseMs: 1_000 };
  const [batch] = await deps.prisma.$transaction([
    deps.prisma.caroReplayBatch.create({
      data: {
        id,
        filter: { ...filter },
        workflowId: caroReplayWorkflowId(id),
        chunkSize: settings.chunkSize,
        pauseMs: settings.pauseMs,
        total: orders.length,
        requestedByKeyId: actor.keyId,
        requestedByRole: actor.role,
      },
    }),
    // Ids in the preview's order: the workflow replays, and the pages list, in this order.
    deps.prisma.caroReplayCase.createMany({
      data: orders.map((order) => ({ id: uuidv7(), batchId: id, orderId: order.id, reason: order.problemReason })),
    }),
  ]);
  return batch;
}

export async function findBatch(deps: AppDeps, id: string): Promise<CaroReplayBatch> {
  const batch = await deps.prisma.caroReplayBatch.findUnique({ where: { id } });
  if (!batch) throw notFound('replay batch');
  return batch;
}

/**
 * The confirmation: the batch is marked confirmed in the caller's name (once: a later confirm
 * keeps the first person), then its workflow is started. A start that times out leaves it
 * confirmed: confirm again, or the reconciler starts it within a minute or two. Running or done:
 * nothing changes. An empty preview is done as soon as it is confirmed.
 */
export async function confirmBatch(deps: AppDeps, id: string, actor: Actor): Promise<CaroReplayBatch> {
  let batch = await findBatch(deps, id);
  if (batch.status === 'previewed') {
    const now = new Date();
    // An empty preview has nothing to run: done at once, no workflow.
    const empty = batch.total === 0;
    await deps.prisma.caroReplayBatch.updateMany({
      where: { id, status: 'previewed' },
      data: {
        status: empty ? 'done' : 'confirmed',
        ...(empty ? { finishedAt: now } : {}),
        confirmedAt: now,
        confirmedByKeyId: actor.keyId,
        confirmedByRole: actor.role,
        confirmedByUserId: actor.userId ?? null,
      },
    });
    batch = await findBatch(deps, id);
  }
  if (batch.status !== 'confirmed') return batch;
  const started = await startReplayWorkflow(
    { temporal: deps.temporal, taskQueue: deps.taskQueue, timeoutMs: deps.temporalTimeoutMs, logger: deps.logger },
    batch,
  );
  if (started.outcome === 'refused')
    throw new ApiError(
      503,
      'workflow_start_refused',
      `the workflow service refused the start: ${started.reason.message}`,
    );
  return findBatch(deps, id);
}

/** The batch as the API shows it, the confirmer named. */
export async function batchView(deps: AppDeps, batch: CaroReplayBatch) {
  const user = batch.confirmedByUserId
    ? await deps.prisma.user.findUnique({ where: { id: batch.confirmedByUserId }, select: { name: true } })
    : null;
  return {
    id: batch.id,
    status: batch.status,
    filter: batch.filter as ReplayFilter,
    workflowId: batch.workflowId,
    chunkSize: batch.chunkSize,
    pauseMs: batch.pauseMs,
    total: batch.total,
    replayed: batch.replayed,
    skipped: batch.skipped,
    failed: batch.failed,
    pending: batch.total - batch.replayed - batch.skipped - batch.failed,
    requestedBy: { keyId: batch.requestedByKeyId, role: batch.requestedByRole },
    confirmedBy:
      batch.confirmedByKeyId && batch.confirmedByRole
        ? { keyId: batch.confirmedByKeyId, role: batch.confirmedByRole, name: user?.name ?? null }
        : null,
    createdAt: batch.createdAt,
    confirmedAt: batch.confirmedAt,
    startedAt: batch.startedAt,
    finishedAt: batch.finishedAt,
  };
}

/** One page of the batch's cases (keyset on the case id), with each order's client, reference and state now. */
export async function casePage(deps: AppDeps, batchId: string, query: z.output<typeof caroReplayCasesQuery>) {
  const rows = await deps.prisma.caroReplayCase.findMany({
    where: {
      batchId,
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.cursor ? { id: { gt: query.cursor } } : {}),
    },
    orderBy: { id: 'asc' },
    take: query.limit + 1,
  });
  const shown = rows.slice(0, query.limit);
  const orders = await deps.prisma.caroOrder.findMany({
    where: { id: { in: shown.map((row) => row.orderId) } },
    include: { client: { select: { companyName: true } } },
  });
  const byId = new Map(orders.map((order) => [order.id, order]));
  return {
    data: shown.map((row) => {
      const order = byId.get(row.orderId);
      return {
        id: row.id,
        orderId: row.orderId,
        companyName: order?.client.companyName ?? null,
        clientReference: order?.clientReference ?? null,
        orderStatus: order?.status ?? null,
        problemReason: row.reason,
        outcome: row.outcome,
        mechanism: (row.mechanism as 'retry-update' | 'reset' | null) ?? null,
        detail: row.detail,
        doneAt: row.doneAt,
      };
    }),
    nextCursor: rows.length > query.limit ? (shown.at(-1)?.id ?? null) : null,
  };
}
