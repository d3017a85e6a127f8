import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_JOURNEYS } from '../../scripts/demo/journeys.js';
import { launchOwnStack } from '../../scripts/demo/stack.js';
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
    // Clock times with the offset from the start: "14:48:38 (+13.3s)".
    const offset = (cell: string) => Number(/^\d\d:\d\d:\d\d \(\+(\d+\.\d)s\)$/.exec(cell)?.[1]);
    for (const [journey, step, expected, deadline, happened, outcome] of rows) {
      expect(outcome, `${journey}: ${step}`).toBe('happened');
      const [e, d, h] = [expected, deadline, happened].map((cell) => offset(cell!));
      expect(d! - e!, `${journey}: ${step}`).toBeCloseTo(30, 0); // the default grace
      expect(h!, `${journey}: ${step}`).toBeLessThanOrEqual(d!);
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

  it('against a running stack with the default schedules: the reactions happen, a timed step fails at once naming its date, exit 1', async () => {
    const stack = await launchOwnStack(() => undefined, {});
    try {
      await stack.ready();
      const args = ['run', '-s', 'demo', '--', '--api', stack.apiUrl, '--key', stack.key, '--grace', '10'];
      running = spawnCommand('npm', args, env);
      const { code } = await running.exited;
      const output = running.output();
      expect(code, output).toBe(1);
      expect(output).not.toContain('starting a stack');
      const rows = tableRows(output);
      const row = (journey: string, step: string) => rows.find(([j, s]) => j === journey && s === step);
      for (const journey of ['mandate e-signature', 'CARO success', 'CARO debit_card'])
        expect(rows.filter(([j]) => j === journey).map((r) => r[5])).toEqual(
          DEMO_JOURNEYS.find((j) => j.name === journey)!.steps.map(() => 'happened'),
        );
      // MANDATE_REMINDERS' first, 14 days after the presentation: not waited for.
      expect(row('mandate stall', 'reminder 1')).toEqual([
        'mandate stall',
        'reminder 1',
        expect.stringMatching(/^\d\d:\d\d:\d\d \(\+\d+\.\ds\)$/),
        expect.any(String),
        '-',
        'MISSED',
        expect.stringMatching(/^planned for \S+, beyond the demo's horizon: run the stack with short schedules$/),
      ]);
      expect(row('mandate stall', 'reminder 2')?.[5]).toBe('NOT REACHED');
      // 15, 3 and 1 days before a deadline 45 s away: no reminder is planned at all.
      expect(row('consent reminders and expiry', 'reminder 1: expires soon')?.slice(5)).toEqual([
        'MISSED',
        'the API never planned it',
      ]);
      expect(output).toMatch(/RESULT: FAILED: \d+ of \d+ steps happened/);
      // A stack it did not start is left running.
      expect(await answers(stack.apiUrl)).toBe(true);
    } finally {
      await stack.stop();
    }
  }, 180_000);
});
