import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envBoolean } from './env.js';

/** Environment shared by every process that talks to Temporal (worker, API, CLI scripts). */
export const temporalEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('onboarding'),
  TEMPORAL_TLS: envBoolean(false),
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
});
export type TemporalEnv = z.infer<typeof temporalEnvSchema>;

export interface TemporalConnectionSettings {
  address: string;
  tls?: { serverNameOverride?: string; clientCertPair?: { crt: Buffer; key: Buffer } } | boolean;
  apiKey?: string;
}

/** Connection options for both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
export function temporalConnectionSettings(env: TemporalEnv): TemporalConnectionSettings {
  const { TEMPORAL_TLS_CERT_PATH: cert, TEMPORAL_TLS_KEY_PATH: key } = env;
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
  }
  const mtls = cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : undefined;
  // Temporal Cloud API keys always travel over TLS.
  const wantsTls = env.TEMPORAL_TLS || mtls !== undefined || env.TEMPORAL_API_KEY !== undefined;
  const tls = wantsTls
    ? { ...mtls, ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}) }
    : undefined;
  return {
    address: env.TEMPORAL_ADDRESS,
    ...(tls ? { tls } : {}),
    ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}),
  };
}
