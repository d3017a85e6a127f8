import { ActivityFailure, ApplicationFailure, isCancellation, log } from '@temporalio/workflow';

/**
 * An e-mail that failed for good (address refused, provider down beyond the retries) is recorded
 * on the case's outbox by the activity; the journey goes on. Answers `undefined` then. A
 * cancellation, or any failure that is not an activity's, is thrown on.
 */
export async function unlessUndeliverable<T>(
  what: string,
  ids: Record<string, string | number>,
  send: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await send();
  } catch (error) {
    if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
    const failure = error.cause instanceof ApplicationFailure ? error.cause.type : error.cause?.name;
    log.warn(`${what} not delivered: continuing`, { ...ids, failure });
    return undefined;
  }
}
