// One server span per HTTP request, continuing the caller's trace (`traceparent`), named by the
// route pattern once it is known; the request's log lines carry its trace id beside the request id.
// The Temporal client interceptor puts the workflow start under it.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { traceIdOf, tracer } from '../../lib/telemetry/tracing.js';
import { bindLog } from './request-context.js';

export function requestSpan(): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer().startSpan(
      `${req.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'http.request.id': req.id } },
      parent,
    );
    const traceId = traceIdOf(span);
    if (!traceId) {
      span.end();
      return next();
    }
    bindLog(req, { traceId });
    res.on('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof pattern === 'string') {
        span.updateName(`${req.method} ${req.baseUrl}${pattern}`);
        span.setAttribute('http.route', `${req.baseUrl}${pattern}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
