// OpenTelemetry traces, off unless the standard OTEL_* variables ask for them: an HTTP request's
// span, the workflow start under it (the Temporal client interceptor), the workflow and each
// activity under that (the worker's interceptors and the workflow span sink). The OTLP exporter
// reads its own OTEL_EXPORTER_OTLP_* settings (endpoint, headers); OTEL_SERVICE_NAME names the
// process. Without them the OpenTelemetry API is a no-op and nothing is exported.
import { trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface Tracing {
  /** True when spans go somewhere. */
  enabled: boolean;
  /** Where the worker's workflow spans go (a no-op exporter when tracing is off). */
  exporter: SpanExporter;
  resource: Resource;
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Drops every span: the workflow span sink needs an exporter even when tracing is off. */
const dropSpans: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
};

/** Whether the environment asks for traces (an OTLP endpoint, and not OTEL_TRACES_EXPORTER=none). */
export const tracingRequested = (env: NodeJS.ProcessEnv): boolean =>
  env.OTEL_SDK_DISABLED !== 'true' &&
  env.OTEL_TRACES_EXPORTER !== 'none' &&
  Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);

/**
 * Installs the process's tracer provider when asked (or when `exporter` is given, as in tests),
 * once per process, before any client or worker is created.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env, exporter?: SpanExporter): Tracing {
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME ?? service });
  if (!exporter && !tracingRequested(env)) {
    const done = () => Promise.resolve();
    return { enabled: false, exporter: dropSpans, resource, flush: done, shutdown: done };
  }
  const spanExporter = exporter ?? new OTLPTraceExporter();
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(spanExporter)] });
  provider.register();
  return {
    enabled: true,
    exporter: spanExporter,
    resource,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

export const tracer = () => trace.getTracer('bankfeed-onboarding');

/** The trace id of a span that is recorded, for log lines; undefined when tracing is off. */
export function traceIdOf(span: Span | undefined): string | undefined {
  const context = span?.spanContext();
  return context && span?.isRecording() ? context.traceId : undefined;
}
