/** One reconciler per namespace and task queue: the worker starts it at boot, a second start finds it. */
export const RECONCILER_WORKFLOW_ID = 'reconciler:pending-starts';

export interface ReconcilerInput {
  /** Between two rounds (default one minute). */
  intervalMs?: number;
  /** A pending start younger than this is still the API's (its start may be in flight): default one minute. */
  olderThanMs?: number;
}

export interface ReconcileRequest {
  olderThanMs: number;
  /** At most this many pending starts per round (the oldest first). */
  limit: number;
}

/** What one round did, per outcome; `dropped`: the case's row was gone, nothing was started. */
export interface ReconcileResult {
  created: number;
  existing: number;
  pending: number;
  refused: number;
  dropped: number;
}
