/**
 * Generated renewal timings for the consent race property (issue 17 §7), and the oracle that
 * judges one case from what happened. Shared by the workflow-level property (many cases at once
 * on one time-skipping server) and the end-to-end sample (HTTP webhook, PGlite, real activities).
 */
import fc from 'fast-check';
import { DEFAULT_CONSENT_SCHEDULE } from '../../../workflows/consent-renewal/contract.js';
import { planConsentReminders } from '../../../workflows/consent-renewal/plan.js';
import { zonedTimeToInstant } from '../../../workflows/shared/local-time.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const ZONE = DEFAULT_CONSENT_SCHEDULE.timeZone;

/** `RUNS` from the environment (a longer local run), else `fallback`. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** fast-check's seed: fixed by default (CI runs the same cases), CONSENT_RACE_SEED to explore others. */
export const raceSeed = (): number => envCount('CONSENT_RACE_SEED', 20_261_201);

/** The European clock changes of `year`: last Sunday of March and of October, 01:00 UTC. */
export function clockChanges(year: number): { march: number; october: number } {
  const lastSunday = (month: number) => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
  };
  return { march: lastSunday(2), october: lastSunday(9) };
}

/** Midnight UTC of 1 January of the first year that starts after `nowMs`: the cases are relative to it. */
export const nextNewYear = (nowMs: number): number => Date.UTC(new Date(nowMs).getUTCFullYear() + 1, 0, 1);

export type Target = 'reminder-15' | 'reminder-3' | 'reminder-1' | 'deadline' | 'clock-change';

export interface RaceCase {
  /** The deadline the connection was registered with. */
  validUntilMs: number;
  /** Which instant the renewal aims at, and the instant (target + offset). */
  target: Target;
  offsetMs: number;
  renewAtMs: number;
  /** The renewed deadline. */
  newUntilMs: number;
  /**
   * `webhook`: the aggregator's webhook (database, then signal-with-start) at `renewAtMs`.
   * `stored`: the database only at `renewAtMs`; the signal follows after `signalAfterMs`
   * (the provider's retry of a webhook answered 503), or never (null).
   */
  delivery: { kind: 'webhook' } | { kind: 'stored'; signalAfterMs: number | null };
}

/** Local wall-clock times a deadline is likely to sit on, around the reminder hour and midnight. */
const WALL_TIMES = ['00:00', '00:30', '02:30', '08:59', '09:00', '09:01', '12:00', '23:59'];

/** An offset from the aimed instant: exactly on it, milliseconds, seconds, or hours either side. */
const offsetArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -5 * SECOND, max: 5 * SECOND }),
  fc.integer({ min: -3600, max: 3600 }).map((s) => s * SECOND),
  fc.integer({ min: -48 * 60, max: 48 * 60 }).map((m) => m * MINUTE),
);

/**
 * Cases for the year starting at `newYearMs` (the server clock is moved there first): deadlines
 * anywhere in the year or within days of a clock change, renewals around each reminder instant,
 * the deadline and the clock change, delivered by webhook or only stored.
 */
export function raceCaseArb(newYearMs: number): fc.Arbitrary<RaceCase> {
  const year = new Date(newYearMs).getUTCFullYear();
  const changes = clockChanges(year);
  const anchor = fc.oneof(
    fc.constant({ change: undefined, fromMs: newYearMs + 20 * DAY, days: 280 }),
    fc.constant({ change: changes.march, fromMs: changes.march - 2 * DAY, days: 20 }),
    fc.constant({ change: changes.october, fromMs: changes.october - 2 * DAY, days: 20 }),
  );
  return anchor
    .chain(({ change, fromMs, days }) =>
      fc.record({
        change: fc.constant(change),
        validUntilMs: fc.oneof(
          fc.integer({ min: 0, max: days * 86_400 - 1 }).map((s) => fromMs + s * SECOND),
          fc
            .record({ day: fc.integer({ min: 0, max: days - 1 }), wall: fc.constantFrom(...WALL_TIMES) })
            .map(({ day, wall }) => {
              const date = new Date(fromMs + day * DAY);
              const [hour = 0, minute = 0] = wall.split(':').map(Number);
              return zonedTimeToInstant(
                { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute },
                ZONE,
              );
            }),
        ),
        target: fc.constantFrom<Target>(
          'reminder-15',
          'reminder-3',
          'reminder-1',
          'deadline',
          ...(change === undefined ? [] : ['clock-change' as const]),
        ),
        offsetMs: offsetArb,
        validityDays: fc.constantFrom(90, 180),
        jitterMs: fc.integer({ min: -86_400, max: 86_400 }).map((s) => s * SECOND),
        delivery: fc.oneof(
          fc.constant({ kind: 'webhook' as const }),
          fc.record({
            kind: fc.constant('stored' as const),
            signalAfterMs: fc.oneof(
              fc.constant(null),
              fc.integer({ min: 1, max: 3600 }).map((s) => s * SECOND),
              fc.integer({ min: 1, max: 10 * 24 * 60 }).map((m) => m * MINUTE),
            ),
          }),
        ),
      }),
    )
    .map(({ change, validUntilMs, target, offsetMs, validityDays, jitterMs, delivery }): RaceCase => {
      const aimed = target === 'clock-change' ? change! : instantOf(target, validUntilMs);
      const renewAtMs = Math.max(aimed + offsetMs, newYearMs + HOUR);
      // A signal that never comes is only told apart from a lost renewal while the run still waits:
      // once the old deadline's run has ended, the provider's retry (a signal) is what restarts it.
      const neverSignalled = delivery.kind === 'stored' && delivery.signalAfterMs === null;
      return {
        validUntilMs,
        target,
        offsetMs,
        renewAtMs,
        newUntilMs: renewAtMs + validityDays * DAY + jitterMs,
        delivery:
          neverSignalled && renewAtMs >= validUntilMs - HOUR ? { kind: 'stored', signalAfterMs: DAY } : delivery,
      };
    });
}

/** The reminder instants (and the deadline) of a consent, all of them, as planned at registration. */
export const fullPlan = (validUntilMs: number) =>
  planConsentReminders(validUntilMs, Number.NEGATIVE_INFINITY, DEFAULT_CONSENT_SCHEDULE).map((r) => ({
    daysBefore: r.daysBefore,
    atMs: Date.parse(r.at),
  }));

function instantOf(target: Exclude<Target, 'clock-change'>, validUntilMs: number): number {
  if (target === 'deadline') return validUntilMs;
  const daysBefore = Number(target.slice('reminder-'.length));
  const reminder = fullPlan(validUntilMs).find((r) => r.daysBefore === daysBefore);
  if (!reminder) throw new Error(`no ${daysBefore}-day reminder for ${new Date(validUntilMs).toISOString()}`);
  return reminder.atMs;
}

/** What a run of one case produced, each event numbered in the order the test process saw it. */
export interface Observed {
  /** When the renewed deadline reached the database (ordinal), undefined if it never did. */
  renewedSeq: number | undefined;
  /** Reminders that went out. */
  sent: { validUntilMs: number; daysBefore: number; seq: number; scheduledMs: number }[];
  /** Deadlines marked expired (owner and office told). */
  expired: { validUntilMs: number; seq: number }[];
  /**
   * Every reminder and expiry the workflow asked its activities for, sent or not, at the server
   * instant it scheduled them; only where activities are test doubles (the real ones are opaque).
   */
  requested?: { validUntilMs: number; activity: 'reminder' | 'expiry'; scheduledMs: number }[];
}

/** When the workflow hears of the renewal (a signal, or a start with the new deadline); undefined: never. */
export function signalledAtMs(c: RaceCase): number | undefined {
  if (c.delivery.kind === 'webhook') return c.renewAtMs;
  return c.delivery.signalAfterMs === null ? undefined : c.renewAtMs + c.delivery.signalAfterMs;
}

/**
 * Margin around the renewal instant within which the order of a reminder and the renewal is a
 * true race (both outcomes allowed); outside it the outcome is fixed. Generous: a loaded machine
 * lets server time run on while a burst of same-instant tasks is processed.
 */
export const RACE_MARGIN_MS = 10 * MINUTE;

/** Every way the case's outcome breaks the rules; empty when it holds. */
export function violations(c: RaceCase, seen: Observed): string[] {
  const problems: string[] = [];
  const renewed = seen.renewedSeq ?? Number.POSITIVE_INFINITY;
  if (seen.renewedSeq === undefined) problems.push('the renewal never reached the database');
  const old = seen.sent.filter((s) => s.validUntilMs === c.validUntilMs);
  const fresh = seen.sent.filter((s) => s.validUntilMs === c.newUntilMs);

  // The rule: no reminder for a deadline that was already renewed when it went out.
  for (const s of old)
    if (s.seq > renewed) problems.push(`old deadline's ${s.daysBefore}-day reminder sent after the renewal`);
  for (const e of seen.expired)
    if (e.validUntilMs === c.validUntilMs && e.seq > renewed) problems.push('old deadline expired after the renewal');
  const keys = seen.sent.map((s) => `${new Date(s.validUntilMs).toISOString()} ${s.daysBefore}-day`);
  for (const key of new Set(keys.filter((k, i) => keys.indexOf(k) !== i))) problems.push(`reminder ${key} sent twice`);
  for (const s of seen.sent)
    if (s.validUntilMs !== c.validUntilMs && s.validUntilMs !== c.newUntilMs)
      problems.push(`a reminder for an unknown deadline ${new Date(s.validUntilMs).toISOString()}`);

  // The workflow's own part: once told, it asks for nothing more for the old deadline (it does not
  // lean on the activities' database check).
  const told = signalledAtMs(c);
  for (const r of seen.requested ?? [])
    if (told !== undefined && r.validUntilMs === c.validUntilMs && r.scheduledMs > told + RACE_MARGIN_MS)
      problems.push(
        `old deadline's ${r.activity} asked for at ${new Date(r.scheduledMs).toISOString()}, after the signal`,
      );

  // Not vacuous: the old plan ran as usual until the renewal, the old deadline expired only if passed.
  for (const r of fullPlan(c.validUntilMs).filter((r) => r.atMs < c.renewAtMs - RACE_MARGIN_MS)) {
    const count = old.filter((s) => s.daysBefore === r.daysBefore).length;
    if (count !== 1)
      problems.push(`old deadline's ${r.daysBefore}-day reminder (due before the renewal) sent ${count}×`);
  }
  const oldExpiries = seen.expired.filter((e) => e.validUntilMs === c.validUntilMs).length;
  if (c.renewAtMs < c.validUntilMs - RACE_MARGIN_MS && oldExpiries > 0) problems.push('old deadline marked expired');
  if (c.renewAtMs > c.validUntilMs + RACE_MARGIN_MS && oldExpiries !== 1)
    problems.push(`old deadline (passed before the renewal) marked expired ${oldExpiries}×`);

  // The new deadline's plan in force: each of its reminders after the renewal, once, at its instant.
  const due = fullPlan(c.newUntilMs).filter((r) => r.atMs > c.renewAtMs + RACE_MARGIN_MS);
  for (const r of due) {
    const matches = fresh.filter((s) => s.daysBefore === r.daysBefore);
    if (matches.length !== 1) problems.push(`new deadline's ${r.daysBefore}-day reminder sent ${matches.length}×`);
    for (const s of matches)
      if (s.scheduledMs < r.atMs || s.scheduledMs > r.atMs + RACE_MARGIN_MS)
        problems.push(
          `new deadline's ${r.daysBefore}-day reminder at ${new Date(s.scheduledMs).toISOString()}, due ${new Date(r.atMs).toISOString()}`,
        );
  }
  if (fresh.length !== due.length) problems.push(`${fresh.length} reminders for the new deadline, ${due.length} due`);
  const newExpiries = seen.expired.filter((e) => e.validUntilMs === c.newUntilMs).length;
  if (newExpiries !== 1) problems.push(`new deadline marked expired ${newExpiries}×`);
  return problems;
}

/** One line per case for a failure report: reproducible by hand. */
export const describeCase = (c: RaceCase): string =>
  [
    `until ${new Date(c.validUntilMs).toISOString()}`,
    `renewed at ${new Date(c.renewAtMs).toISOString()} (${c.target}${c.offsetMs >= 0 ? '+' : ''}${c.offsetMs} ms)`,
    `to ${new Date(c.newUntilMs).toISOString()}`,
    c.delivery.kind === 'webhook'
      ? 'by webhook'
      : `stored, signal ${c.delivery.signalAfterMs === null ? 'never' : `after ${c.delivery.signalAfterMs} ms`}`,
  ].join(', ');
