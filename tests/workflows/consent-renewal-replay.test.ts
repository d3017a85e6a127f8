import { readdirSync, readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { productBundle } from '../helpers/stack.js';

/**
 * Histories recorded by the consent workflow as it was before it owned the connection's status
 * (commit 99aea6a): reminders with one undeliverable, the expiry; manual reminders and an
 * invitation, a repeated and an earlier deadline, a renewal (continue-as-new) and the renewed run.
 * Today's code must replay them command for command: these runs sleep for weeks.
 */
const dir = new URL('./histories/consent-renewal/', import.meta.url);
const histories = readdirSync(dir).filter((name) => name.endsWith('.json'));

describe('consent renewal workflow replays histories of the previous code', () => {
  it('has histories to replay', () => {
    expect(histories.sort()).toEqual([
      'manual-actions-then-renewal.json',
      'reminders-then-expiry.json',
      'renewed-run-to-expiry.json',
    ]);
  });

  it.each(histories)('%s', async (name) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(new URL(name, dir), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await productBundle() }, history, `replay-${name}`),
    ).resolves.toBeUndefined();
  });
});
