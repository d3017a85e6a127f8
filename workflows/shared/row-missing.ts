import { ActivityFailure, ApplicationFailure, log, patched } from '@temporalio/workflow';

/** The change that makes a run whose case row is missing end cleanly instead of failing (issue 17). */
export const ROW_MISSING_ENDS_CLEANLY = 'row-missing-ends-cleanly';

/**
 * Whether this run ends on `error`: the activity's typed "row missing" failure (`type`, e.g.
 * `CaroOrderNotFound`) of a case whose row is gone (its order refused and removed, or never
 * committed). Logs one line then. Behind `patched()`: histories recorded before the change
 * (they failed there) replay as they were.
 */
export function endsOnMissingRow(error: unknown, type: string, ids: Record<string, string>): boolean {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) return false;
  if (error.cause.type !== type || !patched(ROW_MISSING_ENDS_CLEANLY)) return false;
  log.warn('Case row missing: the workflow ends without acting', { ...ids, failure: type });
  return true;
}
