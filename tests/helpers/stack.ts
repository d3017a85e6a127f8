import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { OutboxSender, type EmailSender } from '../../activities/email/sender.js';
import { createApp } from '../../api/app.js';
import type { Role } from '../../lib/auth/api-keys.js';
import { createApiKey } from '../../lib/auth/key-store.js';
import { listen, type RunningServer } from '../../api/server.js';
import { isProvider, type Provider } from '../../api/webhooks/providers.js';
import { SIGNATURE_HEADER, signWebhook } from '../../api/webhooks/signature.js';
import { createLinkBuilder } from '../../lib/links/links.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { createWorker } from '../../workers/create-worker.js';
import { productBundle } from './workflow-bundle.js';
import type { Tracing } from '../../lib/telemetry/tracing.js';
import { reconcilerDeps } from '../../workers/reconciler.js';
import { DEFAULT_CONSENT_SCHEDULE, type ConsentSchedule } from '../../workflows/consent-renewal/contract.js';
import { caroDepsFromEnv } from '../../activities/caro/links.js';
import { DEFAULT_CARO_SCHEDULE, type CaroSchedule } from '../../workflows/caro-activation/contract.js';
import type { MandateSchedule } from '../../workflows/mandate/contract.js';
import { createPrisma } from '../../lib/db/client.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { expectContract } from './contract.js';
import { sessionSettingsFromEnv, type SessionSettings } from '../../api/http/session-cookie.js';
import type { WebhookSettings } from '../../activities/webhooks/settings.js';
import type { TargetPolicy } from '../../lib/webhooks/targets.js';
import { consoleDistDir } from '../../scripts/console/build.js';

/** The same database reached through `proxy`: one client for the stack and the test, as before. */
function proxied(direct: TestDatabase, proxy: TcpProxy): TestDatabase {
  const url = new URL(direct.url);
  url.host = proxy.address;
  const prisma = createPrisma(url.toString());
  return {
    url: url.toString(),
    prisma,
    async stop() {
      await prisma.$disconnect();
      await direct.stop();
    },
  };
}

// TEST_LOG_LEVEL=debug shows the API and worker logs of a test run.
export const silentLogger = createLogger({
  service: 'test',
  level: (process.env.TEST_LOG_LEVEL as 'debug' | undefined) ?? 'silent',
});

export interface HttpOptions {
  /** API key to send; the stack's operator key by default, null for none. */
  key?: string | null;
  headers?: Record<string, string>;
  /** false: do not check the answer against /openapi.json (tests/helpers/contract.ts), e.g. a deliberate 500. */
  contract?: boolean;
}

/** Where the test stack's e-mail links point, and the key that signs them. */
export const TEST_PUBLIC_BASE_URL = 'https://bankfeed.test';
export const TEST_LINK_SECRET = 'test-link-signing-secret-0000000000000000000';

/** The secrets the test stack's API checks webhook signatures with. */
export const TEST_WEBHOOK_SECRETS: Record<Provider, string> = {
  esign: 'test-webhook-secret-esign-00000000000000000',
  caro: 'test-webhook-secret-caro-000000000000000000',
  banklink: 'test-webhook-secret-banklink-00000000000000',
  aggregator: 'test-webhook-secret-aggregator-000000000000',
};

/** The link settings of the test stack's worker and API (CARO activation links). */
export const TEST_LINK_ENV = { LINK_SIGNING_SECRET: TEST_LINK_SECRET, PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL };

export interface WebhookOptions {
  /** Sign with this secret, or several (rotation); the provider's test secret by default. */
  secret?: string | string[];
  /** Unix seconds of the signature; now by default. */
  timestamp?: number;
  /** Sign these bytes instead of the ones sent (a tampered body). */
  signedBody?: string;
  /** Send this header value instead of a signature; null sends none. */
  signature?: string | null;
}

export interface TestStack {
  db: TestDatabase;
  api: RunningServer;
  worker: Worker;
  /** Stops the worker (its running activities are cancelled) and starts another on the same task queue. */
  restartWorker(): Promise<void>;
  /** Between the stack and its database, when started with `databaseProxy`. */
  dbProxy?: TcpProxy;
  /** The worker's task queue (to start a workflow on it, e.g. the reconciler). */
  taskQueue: string;
  /** An operator key, used by `http` unless told otherwise. */
  operatorKey: string;
  /** A new API key of that role (accountants need an office). */
  key(role: Role, officeId?: string): Promise<string>;
  /** fetch() against the API, JSON in and out. */
  http(
    method: string,
    path: string,
    body?: unknown,
    opts?: HttpOptions,
  ): Promise<{ status: number; headers: Headers; body: any }>;
  /** POST /v1/webhooks/:provider, signed: `event` goes as JSON (a string as is). */
  webhook(
    provider: string,
    event: unknown,
    opts?: WebhookOptions,
  ): Promise<{ status: number; headers: Headers; body: any }>;
  stop(): Promise<void>;
}

/**
 * The real worker and the real API (its own Temporal client, as in production) against a
 * real Temporal server and a fresh migrated database. E-mail goes to the development outbox
 * unless `email` is given (e.g. a ResendSender pointed at tests/email/fake-resend.ts).
 */
export async function startTestStack(
  temporal: TestWorkflowEnvironment,
  opts: {
    namespace?: string;
    rateLimitPerMinute?: number;
    /** AppDeps.apiKeyCacheMs (5 s by default). */
    apiKeyCacheMs?: number;
    email?: EmailSender;
    sandbox?: boolean;
    caroSchedule?: CaroSchedule;
    /** AppDeps.caroReplay: cases per chunk and the pause between chunks of a bulk replay (20 and 1 s by default). */
    caroReplay?: { chunkSize: number; pauseMs: number };
    consentSchedule?: ConsentSchedule;
    mandateSchedule?: MandateSchedule;
    logger?: Logger;
    /** Where the API dials Temporal (e.g. through tests/helpers/tcp-proxy.ts); the server itself by default. */
    apiTemporalAddress?: string;
    temporalTimeoutMs?: number;
    /** Put a TCP proxy between the stack and its database (`stack.dbProxy`), to pause or cut it. */
    databaseProxy?: boolean;
    /** The process's tracing (lib/telemetry/tracing.ts), for the worker's spans. */
    tracing?: Tracing;
    /** AppDeps.temporalUiUrl: the console's link to each workflow (none by default). */
    temporalUiUrl?: string;
    /** Session lifetime and cookie flags (Secure, as PUBLIC_BASE_URL is https, by default). */
    session?: SessionSettings;
    /** The worker's webhook delivery settings (retry schedule, poll interval, target policy). */
    webhooks?: WebhookSettings;
    /** The API's webhook target policy (production: public https only). */
    webhookTargetPolicy?: TargetPolicy;
  } = {},
): Promise<TestStack> {
  const namespace = opts.namespace ?? 'default';
  const taskQueue = `stack-${Math.random().toString(36).slice(2)}`;
  const direct = await createTestDatabase();
  const dbProxy = opts.databaseProxy ? await startTcpProxy(new URL(direct.url).host) : undefined;
  const db: TestDatabase = dbProxy ? proxied(direct, dbProxy) : direct;
  const newWorker = async () =>
    createWorker({
      connection: temporal.nativeConnection,
      namespace,
      taskQueue,
      deps: {
        prisma: db.prisma,
        logger: opts.logger ?? silentLogger,
        email: opts.email ?? new OutboxSender(),
        links: createLinkBuilder({ publicBaseUrl: TEST_PUBLIC_BASE_URL, secret: TEST_LINK_SECRET }),
        caro: caroDepsFromEnv(TEST_LINK_ENV),
        temporal: reconcilerDeps(temporal.nativeConnection, namespace, taskQueue),
        ...(opts.webhooks ? { webhooks: opts.webhooks } : {}),
      },
      workflowBundle: await productBundle(),
      ...(opts.tracing ? { tracing: opts.tracing } : {}),
    });
  let worker = await newWorker();
  let running = worker.run();
  const client = createTemporalClient({
    TEMPORAL_ADDRESS: opts.apiTemporalAddress ?? temporal.address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_TLS: false,
  });
  const app = createApp({
    temporal: client,
    prisma: db.prisma,
    logger: opts.logger ?? silentLogger,
    taskQueue,
    temporalTimeoutMs: opts.temporalTimeoutMs ?? 5_000,
    consentSchedule: opts.consentSchedule ?? DEFAULT_CONSENT_SCHEDULE,
    caroSchedule: opts.caroSchedule ?? DEFAULT_CARO_SCHEDULE,
    ...(opts.mandateSchedule ? { mandateSchedule: opts.mandateSchedule } : {}),
    ...(opts.caroReplay ? { caroReplay: opts.caroReplay } : {}),
    linkSigning: { secret: TEST_LINK_SECRET, publicBaseUrl: TEST_PUBLIC_BASE_URL },
    webhookSecrets: TEST_WEBHOOK_SECRETS,
    sandbox: opts.sandbox ?? true,
    consoleDir: consoleDistDir,
    ...(opts.temporalUiUrl ? { temporalUiUrl: opts.temporalUiUrl } : {}),
    // As the API reads PUBLIC_BASE_URL (https here): the session cookie is Secure.
    session: opts.session ?? sessionSettingsFromEnv({ SESSION_TTL_HOURS: 12, PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL }),
    publicOrigin: TEST_PUBLIC_BASE_URL,
    ...(opts.rateLimitPerMinute ? { rateLimitPerMinute: opts.rateLimitPerMinute } : {}),
    ...(opts.apiKeyCacheMs !== undefined ? { apiKeyCacheMs: opts.apiKeyCacheMs } : {}),
    ...(opts.webhookTargetPolicy ? { webhookTargetPolicy: opts.webhookTargetPolicy } : {}),
  });
  const api = await listen(app, { port: 0, host: '127.0.0.1', logger: silentLogger, shutdownTimeoutMs: 1_000 });
  const key = async (role: Role, officeId?: string) =>
    (await createApiKey(db.prisma, { name: `test ${role}`, role, officeId })).key;
  const operatorKey = await key('operator');
  return {
    db,
    ...(dbProxy ? { dbProxy } : {}),
    api,
    get worker() {
      return worker;
    },
    async restartWorker() {
      worker.shutdown();
      await running;
      worker = await newWorker();
      running = worker.run();
    },
    taskQueue,
    operatorKey,
    key,
    async http(method, path, body, opts = {}) {
      const apiKey = opts.key === undefined ? operatorKey : opts.key;
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          ...opts.headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      const json = /json/.test(res.headers.get('content-type') ?? 'json');
      const answer = {
        status: res.status,
        headers: res.headers,
        body: text ? (json ? JSON.parse(text) : text) : undefined,
      };
      if (opts.contract !== false) expectContract(method, path, answer);
      return answer;
    },
    async webhook(provider, event, opts = {}) {
      const body = typeof event === 'string' ? event : JSON.stringify(event);
      const secret = opts.secret ?? (isProvider(provider) ? TEST_WEBHOOK_SECRETS[provider] : 'no such provider');
      const signature =
        opts.signature === undefined
          ? signWebhook(secret, opts.signedBody ?? body, opts.timestamp ?? Math.floor(Date.now() / 1000))
          : opts.signature;
      const res = await fetch(`${api.url}/v1/webhooks/${provider}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature === null ? {} : { [SIGNATURE_HEADER]: signature }),
        },
        body,
      });
      const text = await res.text();
      const answer = { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
      expectContract('POST', `/v1/webhooks/${provider}`, answer);
      return answer;
    },
    async stop() {
      await api.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await client.connection.close();
      await db.stop();
      await dbProxy?.close();
    },
  };
}
