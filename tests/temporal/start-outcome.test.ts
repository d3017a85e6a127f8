import { ServiceError, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { classifyStartError } from '../../lib/temporal/start-case.js';

/** A gRPC error as @grpc/grpc-js raises it, wrapped the way the client rethrows it. */
const grpc = (code: number, details: string) =>
  new ServiceError('Failed to start Workflow', {
    cause: Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} }),
  });

describe('classifyStartError', () => {
  it('an unknown outcome is never a refusal: deadline, unavailable, cancelled, reset, anything unexpected', () => {
    for (const error of [
      grpc(4, 'Deadline exceeded'),
      grpc(14, 'No connection established'),
      grpc(1, 'Cancelled on client'),
      grpc(2, 'read ECONNRESET'),
      grpc(8, 'namespace rate limit exceeded'),
      new Error('socket hang up'),
    ])
      expect(classifyStartError(error)).toEqual({ outcome: 'pending_start' });
  });

  it('a workflow of that id already running is `existing`', () => {
    expect(classifyStartError(new WorkflowExecutionAlreadyStartedError('started', 'caro:1', 'x'))).toEqual({
      outcome: 'existing',
    });
  });

  it('a definite refusal is `refused`, with its reason', () => {
    expect(classifyStartError(new NamespaceNotFoundError('nope'))).toMatchObject({
      outcome: 'refused',
      reason: { code: 'namespace_not_found' },
    });
    expect(classifyStartError(grpc(3, 'WorkflowId length exceeds limit'))).toMatchObject({
      outcome: 'refused',
      reason: { code: 'invalid_argument' },
    });
    expect(classifyStartError(grpc(7, 'Request unauthorized'))).toMatchObject({
      outcome: 'refused',
      reason: { code: 'permission_denied' },
    });
  });
});
