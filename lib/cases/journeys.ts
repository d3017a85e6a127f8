// The three journeys as the API names them, and the case type (prisma's CaseType) each one's cases
// are stored under: the cases API, the events and the metrics all read them from here.
export const JOURNEYS = ['mandate', 'caro', 'consent'] as const;
export type Journey = (typeof JOURNEYS)[number];

export const CASE_TYPE_OF = { mandate: 'mandate', caro: 'caro', consent: 'connection' } as const;
export type JourneyCaseType = (typeof CASE_TYPE_OF)[Journey];

/** The journey of a case type: the inverse of CASE_TYPE_OF. */
export const JOURNEY_OF_CASE_TYPE = Object.fromEntries(JOURNEYS.map((journey) => [CASE_TYPE_OF[journey], journey])) as {
  [J in Journey as (typeof CASE_TYPE_OF)[J]]: J;
};
