import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { spawnEntry } from './spawn.js';

const FIXTURE = 'tests/processes/fixtures/stop-never-ends.ts';

describe('onShutdownSignal when the stop hangs', () => {
  it('a second SIGINT, after the relayed copy of the first, exits at once with 130', async () => {
    const proc = spawnEntry(FIXTURE, {});
    await proc.waitForLine(/^ready$/);
    proc.child.kill('SIGINT');
    await proc.waitForLine(/"shutting down"/);
    proc.child.kill('SIGINT'); // within 2 s: taken for the copy npm relays of the terminal's Ctrl-C
    await delay(2_100);
    expect(proc.child.exitCode).toBeNull();
    proc.child.kill('SIGINT');
    expect(await proc.exited).toEqual({ code: 130, signal: null });
    expect(proc.output()).toMatch(/"second signal: exiting now"/);
  });

  it('a stop that overruns forceExitAfterMs exits 1', async () => {
    const proc = spawnEntry(FIXTURE, { FORCE_EXIT_AFTER_MS: '300' });
    await proc.waitForLine(/^ready$/);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 1, signal: null });
    expect(proc.output()).toMatch(/"shutdown did not finish in time: exiting now"/);
  });
});
