import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { productBundle } from '../helpers/stack.js';

/**
 * Histories recorded on the time-skipping server by the mandate workflow as it was before its
 * handlers shared an async-mutex Mutex (commit 99aea6a, promise-chain lock), in the protobuf JSON
 * form (`History.toJSON()`). Most have a report, a client edit or an action arrive while an
 * activity is in flight, where the order of the main loop's timer and the queued handler's
 * commands is easy to change by accident. Running workflows sleep for weeks: each must replay.
 */
const dir = fileURLToPath(new URL('../fixtures/histories/mandate/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('mandate workflow: histories recorded by earlier code replay', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
  });

  it.each(files)('%s', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(`${dir}${file}`, 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await productBundle() }, history, file),
    ).resolves.toBeUndefined();
  });
});
