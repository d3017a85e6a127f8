/**
 * Wall-clock arithmetic in a named time zone, with Intl only (deterministic: no
 * system clock, no I/O), so workflows and the API share it.
 */
import { DAY_MS } from './duration.js';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading of `instantMs` in `timeZone`. */
export function localParts(instantMs: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of `timeZone` from UTC at `instantMs`, in ms (Brussels: +1 h in winter, +2 h in summer). */
function offsetMs(instantMs: number, timeZone: string): number {
  const p = localParts(instantMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The instant at which the clocks of `timeZone` read the given local date and time. */
export function zonedTimeToInstant(local: Omit<LocalParts, 'second'>, timeZone: string): number {
  const naive = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const first = naive - offsetMs(naive, timeZone);
  // Re-check at the candidate: the offset may differ on a clock-change day.
  return naive - offsetMs(first, timeZone);
}

/**
 * `days` calendar days before the local date of `instantMs`, at `hh:mm` local time.
 * Calendar days, not 24-hour blocks: the result stays at hh:mm across clock changes.
 */
export function localTimeDaysBefore(instantMs: number, days: number, hhmm: string, timeZone: string): number {
  const { year, month, day } = localParts(instantMs, timeZone);
  const target = new Date(Date.UTC(year, month - 1, day) - days * DAY_MS);
  const [hour = 0, minute = 0] = hhmm.split(':').map(Number);
  return zonedTimeToInstant(
    { year: target.getUTCFullYear(), month: target.getUTCMonth() + 1, day: target.getUTCDate(), hour, minute },
    timeZone,
  );
}
