import { isGrpcServiceError } from '@temporalio/client';

/** The gRPC status code of a Temporal call's failure, wherever it sits in the cause chain (the SDK wraps it). */
export function grpcCode(error: unknown): number | undefined {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e.code;
  }
  return undefined;
}
