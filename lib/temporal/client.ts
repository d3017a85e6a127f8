import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { temporalConnectionSettings, type TemporalEnv } from '../config/temporal-env.js';

/**
 * One Temporal client per process. The connection is lazy, so the API boots and
 * answers /readyz with 503 while Temporal is still down, then recovers on its own.
 */
export function createTemporalClient(env: TemporalEnv): Client {
  const connection = Connection.lazy(temporalConnectionSettings(env));
  // Starts, signals, updates and queries carry the caller's trace (a no-op while tracing is off).
  return new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
  });
}
