// Workflow interceptors of @temporalio/interceptors-opentelemetry: a span per workflow run under
// the span that started it, and the trace carried on to each activity in its headers. Spans leave
// the sandbox through the `exporter` sink (workers/create-worker.ts). They add no command to the
// history, so replay is unchanged.
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new OpenTelemetryInboundInterceptor()],
  outbound: [new OpenTelemetryOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
