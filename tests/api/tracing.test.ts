// One trace from an HTTP request through the workflow start into the workflow run and each of its
// activities (@temporalio/interceptors-opentelemetry), exported here to an in-memory exporter; the
// request's log lines carry the trace id beside the request id.
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../lib/telemetry/tracing.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
const lines: string[] = [];

beforeAll(async () => {
  tracing = startTracing('test', {}, exporter);
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal, {
    tracing,
    logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
  });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
  await tracing?.shutdown();
});

/** The first activities of a mandate ordered in service mode. */
const WATCHED = ['prepareMandate', 'sendMandateInvitation'];
const parentOf = (span: ReadableSpan) => span.parentSpanId;

describe('traces', () => {
  it('link the request span to the workflow start and each activity the workflow runs', async () => {
    const office = await stack.http('POST', '/v1/offices', {
      name: 'Traced',
      language: 'nl',
      contactEmail: 'o@example.be',
    });
    const client = await stack.http('POST', '/v1/clients', {
      officeId: office.body.id,
      companyName: 'Traced BV',
      clientCode: 'T-1',
      email: 'client@example.be',
      language: 'nl',
    });
    const account = await stack.http('POST', `/v1/clients/${client.body.id}/bank-accounts`, {
      iban: 'BE35 3101 2345 6737',
    });
    await tracing.flush();
    exporter.reset();
    const ordered = await stack.http('POST', '/v1/mandates', {
      bankAccountIds: [account.body.id],
      managementMode: 'service',
    });
    expect(ordered.status).toBe(202);
    const requestId = ordered.headers.get('x-request-id');

    const spans = await waitFor(async () => {
      await tracing.flush();
      const all = exporter.getFinishedSpans();
      // The workflow's spans leave through its sink when its task completes, after the activity's.
      const names = new Set(all.map((s) => s.name));
      return WATCHED.every((a) => names.has(`RunActivity:${a}`) && names.has(`StartActivity:${a}`)) ? all : undefined;
    }, 'the activity spans');

    const request = spans.find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /v1/mandates');
    expect(request, spans.map((s) => s.name).join(', ')).toBeDefined();
    const traceId = request!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
    const start = inTrace.find((s) => s.name === 'StartWorkflow:mandateWorkflow');
    expect(start, inTrace.map((s) => s.name).join(', ')).toBeDefined();
    expect(parentOf(start!)).toBe(request!.spanContext().spanId);
    // The workflow schedules each activity under the start (its run span ends with the journey,
    // weeks later); each activity runs under its schedule span, in this trace.
    const byId = new Map(inTrace.map((s) => [s.spanContext().spanId, s]));
    for (const name of WATCHED) {
      const activity = inTrace.find((s) => s.name === `RunActivity:${name}`)!;
      const scheduled = byId.get(parentOf(activity)!);
      expect(scheduled?.name, name).toBe(`StartActivity:${name}`);
    }
    expect(spans.filter((s) => s.spanContext().traceId !== traceId)).toEqual([]);

    // The request's access-log line names the trace beside the request.
    const logged = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.requestId === requestId && l.msg === 'request');
    expect(logged).toMatchObject({ requestId, traceId });
  });
});
