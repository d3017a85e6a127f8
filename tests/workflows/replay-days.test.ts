import { readdir, readFile } from 'node:fs/promises';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { productBundle } from '../helpers/stack.js';

// Workflows started before the schedules took durations recorded their input in whole days
// (reminderDays, stalledAfterDays, expiryDays, reminderDaysBefore) and sleep for weeks. These
// histories were recorded with that code (see histories/record.ts): today's code must replay them
// command for command, or those workflows would fail on their next task after the deploy.
const dir = new URL('./histories/', import.meta.url);

describe('histories recorded with schedules in whole days', () => {
  it('replay without a determinism error', async () => {
    const names = (await readdir(dir)).filter((f) => f.endsWith('.binpb')).sort();
    expect(names).toEqual([
      'caro-activation-days.binpb',
      'consent-renewal-days.binpb',
      'mandate-bank-link-office-days.binpb',
      'mandate-esign-service-days.binpb',
    ]);
    const histories = await Promise.all(
      names.map(async (name) => ({
        workflowId: name,
        history: proto.temporal.api.history.v1.History.decode(await readFile(new URL(name, dir))),
      })),
    );
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await productBundle() }, histories))
      results.push({ workflowId: result.workflowId, error: result.error?.message });
    expect(results).toEqual(names.map((workflowId) => ({ workflowId, error: undefined })));
  });
});
