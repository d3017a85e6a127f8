import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_JOURNEYS } from '../../scripts/demo/journeys.js';
import { spawnCommand, type Spawned } from '../processes/spawn.js';

// `npm run demo` as an operator runs it: its own stack (npm start, short schedules, a temporary data
// dir, free ports), every journey walked through the public API and the sandbox, then the table.
const passThrough = ['TEMPORAL_BIN_DIR', 'TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH'];
const env = Object.fromEntries(passThrough.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));

let running: Spawned | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    try {
      process.kill(-running.child.pid!, 'SIGINT');
    } catch {
      running.child.kill('SIGINT');
    }
    await running.exited;
  }
  running = undefined;
});

/** The table's rows: journey, step, expected, deadline, happened, outcome, note. */
function tableRows(output: string): string[][] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| journey '))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

const apiOf = (output: string) => /walking the journeys against (\S+)/.exec(output)?.[1];
const stackLogOf = (output: string) => /log: (\S+stack\.log)/.exec(output)?.[1];
const answers = (url: string) =>
  fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
    () => true,
    () => false,
  );

describe('npm run demo', () => {
  it('walks every journey on its own short-schedule stack: each step of the table happened in time, exit 0, the stack stopped', async () => {
    running = spawnCommand('npm', ['run', '-s', 'demo'], env);
    const { code } = await running.exited;
    const output = running.output();
    expect(code, output).toBe(0);

    const rows = tableRows(output);
    const declared = DEMO_JOURNEYS.flatMap((j) => j.steps.map((step) => [j.name, step]));
    expect(rows.map(([journey, step]) => [journey, step])).toEqual(declared);
    for (const [journey, step, expected, deadline, happened, outcome] of rows) {
      expect(outcome, `${journey}: ${step}`).toBe('happened');
      // Clock times with the offset from the start: "14:48:38 (+13.3s)".
      for (const cell of [expected, deadline, happened]) expect(cell).toMatch(/^\d\d:\d\d:\d\d \(\+\d+\.\ds\)$/);
    }
    // Each mandate path, every CARO failure reason, the consent's renewal and expiry are in the walk.
    expect(new Set(rows.map(([journey]) => journey))).toEqual(new Set(DEMO_JOURNEYS.map((j) => j.name)));
    expect(output).toMatch(new RegExp(`RESULT: OK: ${declared.length} of ${declared.length} steps happened`));
    const wall = Number(/wall time (\d+\.\d)s/.exec(output)?.[1]);
    expect(wall).toBeLessThan(180);

    // Nothing of its stack is left: the API is gone, and so are its log and data.
    expect(await answers(apiOf(output)!)).toBe(false);
    expect(existsSync(stackLogOf(output)!)).toBe(false);
  }, 240_000);

  it('Ctrl-C stops its stack and exits 130', async () => {
    // The demo's own process (npm itself exits at once on a Ctrl-C, leaving its child to finish).
    running = spawnCommand(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], env, { ownGroup: true });
    await running.waitForLine(/walking the journeys against/, 120_000);
    const api = apiOf(running.output())!;
    expect(await answers(api)).toBe(true);
    process.kill(-running.child.pid!, 'SIGINT'); // what Ctrl-C in a terminal does: the whole foreground group
    const { code } = await running.exited;
    expect(code, running.output()).toBe(130);
    expect(running.output()).toContain('SIGINT: stopping');
    expect(await answers(api)).toBe(false);
    expect(existsSync(stackLogOf(running.output())!)).toBe(false);
  }, 180_000);
});
