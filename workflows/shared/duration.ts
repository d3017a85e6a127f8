/** Milliseconds of one day: the unit of the schedules recorded before they took durations. */
export const DAY_MS = 86_400_000;

/** `n` whole days, in milliseconds. */
export const days = (n: number): number => n * DAY_MS;

/** `ms` after `fromIso`, as an ISO instant. */
export const msAfter = (fromIso: string, ms: number): string => new Date(Date.parse(fromIso) + ms).toISOString();
