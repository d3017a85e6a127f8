/**
 * The demo's record of each step: when it was expected (the API's planned next step, or the moment
 * of the action it answers), its deadline, and when it happened, as the API reports it. One line
 * of progress per step as it settles, and the table at the end.
 */
import { setTimeout as delay } from 'node:timers/promises';

export type StepOutcome = 'happened' | 'late' | 'missed' | 'not_reached';

export interface StepRecord {
  journey: string;
  name: string;
  /** ms since the epoch. */
  expectedAt?: number;
  deadlineAt?: number;
  happenedAt?: number;
  outcome?: StepOutcome;
  note?: string;
}

export interface WalkOptions {
  /** How long after its expected time a step may happen. */
  graceMs: number;
  /** A step planned further ahead than this is not waited for (the stack's schedule is too long for a demo). */
  horizonMs: number;
  pollMs: number;
  log: (line: string) => void;
  startedAt: number;
}

/** A step that did not happen: the journey stops there, its remaining steps are not reached. */
export class StepMissed extends Error {}

export interface StepSpec {
  /**
   * When the step is due, ms since the epoch: the action's moment for a reaction, the API's
   * planned next step for a timed one; undefined when the API never planned it.
   */
  expected: number | (() => Promise<number | undefined>);
  /** When it happened (the API's own timestamp where it has one); undefined while it has not. */
  happened: () => Promise<number | undefined>;
  /** Says what the step showed, for the progress line (an id, a status). */
  note?: () => string | undefined;
}

export const since = (startedAt: number, at: number | undefined) =>
  at === undefined ? '-' : `+${((at - startedAt) / 1000).toFixed(1)}s`;

/** The steps of one journey, declared up front so that the table lists them even when the journey stops early. */
export class JourneyWalk {
  readonly records: StepRecord[];

  constructor(
    readonly journey: string,
    names: readonly string[],
    private readonly o: WalkOptions,
  ) {
    this.records = names.map((name) => ({ journey, name }));
  }

  private record(name: string): StepRecord {
    const found = this.records.find((r) => r.name === name && r.outcome === undefined);
    if (!found) throw new Error(`${this.journey}: no open step "${name}"`);
    return found;
  }

  private settle(r: StepRecord, outcome: StepOutcome, note?: string): void {
    r.outcome = outcome;
    if (note) r.note = note;
    const delayS =
      r.happenedAt !== undefined && r.expectedAt !== undefined
        ? ` (${r.happenedAt >= r.expectedAt ? '+' : ''}${((r.happenedAt - r.expectedAt) / 1000).toFixed(1)}s)`
        : '';
    this.o.log(
      `${outcome === 'happened' ? 'ok  ' : 'FAIL'} ${this.journey}: ${r.name}` +
        ` expected ${since(this.o.startedAt, r.expectedAt)}, happened ${since(this.o.startedAt, r.happenedAt)}${delayS}` +
        `${r.note ? `  ${r.note}` : ''}`,
    );
  }

  /** Waits for the step; throws StepMissed when it did not happen in time. Answers when it happened. */
  async step(name: string, spec: StepSpec): Promise<number> {
    const r = this.record(name);
    const expected = typeof spec.expected === 'number' ? spec.expected : await spec.expected();
    if (expected === undefined) {
      this.settle(r, 'missed', 'the API never planned it');
      throw new StepMissed(name);
    }
    r.expectedAt = expected;
    r.deadlineAt = expected + this.o.graceMs;
    if (expected - Date.now() > this.o.horizonMs) {
      this.settle(
        r,
        'missed',
        `planned for ${new Date(expected).toISOString()}, beyond the demo's horizon: run the stack with short schedules`,
      );
      throw new StepMissed(name);
    }
    for (;;) {
      let at: number | undefined;
      try {
        at = await spec.happened();
      } catch (error) {
        this.settle(r, 'missed', error instanceof Error ? error.message : String(error));
        throw new StepMissed(name);
      }
      if (at !== undefined) {
        r.happenedAt = at;
        const note = spec.note?.();
        if (at > r.deadlineAt) {
          this.settle(r, 'late', note);
          throw new StepMissed(name);
        }
        this.settle(r, 'happened', note);
        return at;
      }
      if (Date.now() > r.deadlineAt) {
        this.settle(r, 'missed', `not within ${this.o.graceMs / 1000}s of its expected time`);
        throw new StepMissed(name);
      }
      await delay(this.o.pollMs);
    }
  }

  /** A step found wrong afterwards (a dropped reminder that went out after all). */
  overturn(name: string, note: string): void {
    const r = this.records.find((x) => x.name === name);
    if (!r) return;
    r.outcome = 'missed';
    r.note = note;
    this.o.log(`FAIL ${this.journey}: ${name}  ${note}`);
  }

  /** Marks what is left when the journey stopped; `why` it stopped between two steps (a call the API refused). */
  close(why?: string): void {
    const next = this.records.find((r) => r.outcome === undefined);
    if (next && why) next.note = `the journey stopped: ${why}`;
    for (const r of this.records) r.outcome ??= 'not_reached';
  }
}

/** Polls `probe` until it answers, for at most `timeoutMs`: a value the next step's expectation needs. */
export async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, pollMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined || Date.now() > deadline) return found;
    await delay(pollMs);
  }
}

const OUTCOME_WORDS: Record<StepOutcome, string> = {
  happened: 'happened',
  late: 'LATE',
  missed: 'MISSED',
  not_reached: 'NOT REACHED',
};

/** The closing table: every step, when it was expected, its deadline, when it happened. */
export function renderTable(records: StepRecord[], startedAt: number): string {
  const clock = (at: number | undefined) =>
    at === undefined ? '-' : `${new Date(at).toISOString().slice(11, 19)} (${since(startedAt, at)})`;
  const rows = records.map((r) => [
    r.journey,
    r.name,
    clock(r.expectedAt),
    clock(r.deadlineAt),
    clock(r.happenedAt),
    OUTCOME_WORDS[r.outcome ?? 'not_reached'],
    r.note ?? '',
  ]);
  const header = ['journey', 'step', 'expected', 'deadline', 'happened', 'outcome', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
