// Whether a worker polls the API's task queue, from Temporal's own description of the queue: a
// deployment whose worker died must not look ready. A poller is listed with the time its last
// long poll began, and a poll lasts up to the server's long-poll interval (one minute by default),
// so a worker counts as gone once no poll began within `staleAfterMs`.
import { grpcCode } from '../../lib/temporal/grpc-code.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';

/** One minute of long poll and a margin (READYZ_WORKER_STALE_MS). */
export const DEFAULT_WORKER_STALE_MS = 90_000;

/** gRPC UNIMPLEMENTED; TASK_QUEUE_KIND_NORMAL and TASK_QUEUE_TYPE_WORKFLOW of Temporal's API enums. */
const UNIMPLEMENTED = 12;
const KIND_NORMAL = 1;
const TYPE_WORKFLOW = 1;

export type WorkerPresence = { ok: true; pollers: number; note?: string } | { ok: false; error: string };

export async function workerPresence(deps: AppDeps, nowMs = Date.now()): Promise<WorkerPresence> {
  const staleAfterMs = deps.workerStaleAfterMs ?? DEFAULT_WORKER_STALE_MS;
  let pollers: { lastAccessTime?: { seconds?: unknown } | null }[];
  try {
    const described = await withTemporalDeadline(deps, () =>
      deps.temporal.workflowService.describeTaskQueue({
        namespace: deps.temporal.options.namespace,
        taskQueue: { name: deps.taskQueue, kind: KIND_NORMAL },
        taskQueueType: TYPE_WORKFLOW,
      }),
    );
    pollers = described.pollers ?? [];
  } catch (error) {
    // The time-skipping test server does not describe task queues: nothing to tell either way.
    if (grpcCode(error) === UNIMPLEMENTED)
      return { ok: true, pollers: 0, note: 'the server cannot describe task queues' };
    throw error;
  }
  const live = pollers.filter((p) => nowMs - Number(p.lastAccessTime?.seconds ?? 0) * 1000 <= staleAfterMs);
  if (live.length > 0) return { ok: true, pollers: live.length };
  return {
    ok: false,
    error: `no worker has polled task queue ${deps.taskQueue} in the last ${Math.round(staleAfterMs / 1000)} s`,
  };
}
