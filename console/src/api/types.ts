import type { paths } from './schema';

/** The JSON body of a path's 200 answer, as the OpenAPI document describes it. */
export type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

/** The JSON body a path's method takes. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer Sent } };
}
  ? Sent
  : never;

/**
 * The values of a union the OpenAPI document declares (an enum), listed for the page at run time: the list
 * must hold every member and nothing else, or the typecheck fails. The API's rules stay their one home.
 */
export const everyOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L =>
    list;

export type CaseItem = Ok<'/v1/cases', 'get'>['data'][number];
export type Journey = CaseItem['journey'];
export const JOURNEYS = everyOf<Journey>()(['mandate', 'caro', 'consent']);
export const isJourney = (value: string): value is Journey => (JOURNEYS as readonly string[]).includes(value);
