import { z } from 'zod';

/**
 * Durations in the environment: a whole number and a unit, `20s`, `5m`, `2h`, `14d`, or a
 * comma-separated list of them (`14d,28d,42d`). One schema for every schedule setting, so each
 * accepts any unit and the process stops at boot, naming the variable, on anything else.
 */

export const DURATION_UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;
export const DAY_MS = DURATION_UNITS.d;

/** A parsed duration: its length, and the unit it was given in (consent reminders in days keep a wall-clock time). */
export interface Duration {
  ms: number;
  unit: DurationUnit;
}

const PATTERN = /^(\d{1,9})([smhd])$/;

/** `"14d"` → `{ ms: 1209600000, unit: 'd' }`; undefined for anything else. */
export function parseDuration(text: string): Duration | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const unit = match[2] as DurationUnit;
  return { ms: Number(match[1]) * DURATION_UNITS[unit], unit };
}

/** Whole days, the unit of the older `*_DAYS` variables. */
export const wholeDays = (days: number): Duration => ({ ms: days * DAY_MS, unit: 'd' });

/** `90000` → `"90s"`, `7200000` → `"2h"`: the largest unit that divides it, for messages. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    if (ms !== 0 && ms % DURATION_UNITS[unit] === 0) return `${ms / DURATION_UNITS[unit]}${unit}`;
  }
  return `${ms / 1000}s`;
}

const HINT = 'a whole number and a unit s, m, h or d';

/** One duration, at least `min` and at most `max` (both as durations, e.g. `'1s'`, `'365d'`). */
export const durationSchema = (bounds: { min: string; max: string }) => {
  const min = parseDuration(bounds.min)!.ms;
  const max = parseDuration(bounds.max)!.ms;
  return z.string().transform((text, ctx): Duration => {
    const duration = parseDuration(text);
    if (!duration) {
      ctx.addIssue({ code: 'custom', message: `must be a duration, ${HINT}, e.g. 56d (got "${text}")` });
      return z.NEVER;
    }
    if (duration.ms < min || duration.ms > max) {
      ctx.addIssue({ code: 'custom', message: `must be between ${bounds.min} and ${bounds.max} (got "${text}")` });
      return z.NEVER;
    }
    return duration;
  });
};

/**
 * A comma-separated list of durations, each within the bounds; `increasing` also asks each to be after the one before.
 */
export const durationListSchema = (bounds: { min: string; max: string; increasing?: boolean }) => {
  const min = parseDuration(bounds.min)!.ms;
  const max = parseDuration(bounds.max)!.ms;
  return z.string().transform((text, ctx): Duration[] => {
    const durations: Duration[] = [];
    for (const item of text.split(',')) {
      const duration = parseDuration(item);
      if (!duration || duration.ms < min || duration.ms > max) {
        const why = duration ? `each between ${bounds.min} and ${bounds.max}` : `each ${HINT}`;
        ctx.addIssue({
          code: 'custom',
          message: `must be a comma-separated list of durations, ${why}, e.g. 14d,28d,42d ("${item}" is not)`,
        });
        return z.NEVER;
      }
      durations.push(duration);
    }
    if (bounds.increasing && durations.some((d, i) => i > 0 && d.ms <= durations[i - 1]!.ms)) {
      ctx.addIssue({ code: 'custom', message: `must be increasing, e.g. 14d,28d,42d (got "${text}")` });
      return z.NEVER;
    }
    return durations;
  });
};

/** The older `*_DAYS` form of a list: whole days, e.g. `14,28,42`. */
export const dayListSchema = (example: string) =>
  z
    .string()
    .regex(/^\d{1,3}(,\d{1,3})*$/, `must be a comma-separated list of whole days, e.g. ${example}`)
    .transform((s) => s.split(',').map((d) => wholeDays(Number(d))));

/** The older `*_DAYS` form of one setting: whole days within the bounds. */
export const daysSchema = (bounds: { min: number; max: number }) =>
  z.coerce.number().int().min(bounds.min).max(bounds.max).transform(wholeDays);

/**
 * Settings renamed when they took durations: `{ name: olderName }`. Setting both names of one is
 * an error on the newer name, naming the two.
 */
export const refuseBothNames =
  (renamed: Record<string, string>) =>
  (env: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    for (const [name, older] of Object.entries(renamed)) {
      if (env[name] !== undefined && env[older] !== undefined)
        ctx.addIssue({ code: 'custom', path: [name], message: `set ${name} or ${older} (whole days), not both` });
    }
  };
