import { Client, Connection } from '@temporalio/client';
import { temporalConnectionSettings, type TemporalEnv } from '../config/temporal-env.js';

/**
 * One Temporal client per process. The connection is lazy, so the API boots and
 * answers /readyz with 503 while Temporal is still down, then recovers on its own.
 */
export function createTemporalClient(env: TemporalEnv): Client {
  const connection = Connection.lazy(temporalConnectionSettings(env));
  return new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
}
