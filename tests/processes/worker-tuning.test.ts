import { describe, expect, it } from 'vitest';
import { tuningOptions, workerTuning } from '../../workers/create-worker.js';
import { loadWorkerEnv, reconcilerInput } from '../../workers/env.js';

const base = { DATABASE_URL: 'postgresql://bankfeed@localhost:5432/bankfeed' };

describe('worker tuning (WORKER_MAX_CACHED_WORKFLOWS, WORKER_WORKFLOW_TASK_SLOTS)', () => {
  it('keeps 100 workflows in the sticky cache and runs 40 tasks at once unless told otherwise', () => {
    expect(workerTuning(loadWorkerEnv(base))).toEqual({ maxCachedWorkflows: 100, workflowTaskSlots: 40 });
    expect(
      workerTuning(loadWorkerEnv({ ...base, WORKER_MAX_CACHED_WORKFLOWS: '250', WORKER_WORKFLOW_TASK_SLOTS: '20' })),
    ).toEqual({ maxCachedWorkflows: 250, workflowTaskSlots: 20 });
  });

  it.each([
    ['WORKER_MAX_CACHED_WORKFLOWS', 'lots'],
    ['WORKER_MAX_CACHED_WORKFLOWS', '-1'],
    ['WORKER_WORKFLOW_TASK_SLOTS', '1'],
    ['WORKER_WORKFLOW_TASK_SLOTS', '2.5'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadWorkerEnv({ ...base, [name]: value })).toThrow(name);
  });

  it('never asks the SDK for more task slots than cached workflows, except with the cache off', () => {
    expect(tuningOptions({ maxCachedWorkflows: 100, workflowTaskSlots: 40 })).toEqual({
      maxCachedWorkflows: 100,
      maxConcurrentWorkflowTaskExecutions: 40,
    });
    expect(tuningOptions({ maxCachedWorkflows: 10, workflowTaskSlots: 40 })).toEqual({
      maxCachedWorkflows: 10,
      maxConcurrentWorkflowTaskExecutions: 10,
    });
    expect(tuningOptions({ maxCachedWorkflows: 0, workflowTaskSlots: 40 })).toEqual({
      maxCachedWorkflows: 0,
      maxConcurrentWorkflowTaskExecutions: 40,
    });
  });
});

describe('the reconciler’s rounds (RECONCILER_INTERVAL_SECONDS, RECONCILER_MIN_AGE_SECONDS)', () => {
  it('runs a round a minute for starts pending a minute unless told otherwise', () => {
    expect(reconcilerInput(loadWorkerEnv(base))).toEqual({ intervalMs: 60_000, olderThanMs: 60_000 });
    expect(
      reconcilerInput(loadWorkerEnv({ ...base, RECONCILER_INTERVAL_SECONDS: '10', RECONCILER_MIN_AGE_SECONDS: '15' })),
    ).toEqual({ intervalMs: 10_000, olderThanMs: 15_000 });
  });

  it.each([
    ['RECONCILER_INTERVAL_SECONDS', '0'],
    ['RECONCILER_INTERVAL_SECONDS', 'often'],
    ['RECONCILER_MIN_AGE_SECONDS', '-5'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadWorkerEnv({ ...base, [name]: value })).toThrow(name);
  });
});
