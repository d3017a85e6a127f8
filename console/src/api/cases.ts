import { api, unwrap } from './client';
import type { Journey } from './types';

/** A case's detail, by journey: GET /v1/mandates/:id, /v1/caro-orders/:id or /v1/connections/:id. */
export const fetchDetail = async (journey: Journey, id: string) => {
  const params = { params: { path: { id } } };
  switch (journey) {
    case 'mandate':
      return { journey, detail: await unwrap(api.GET('/v1/mandates/{id}', params)) } as const;
    case 'caro':
      return { journey, detail: await unwrap(api.GET('/v1/caro-orders/{id}', params)) } as const;
    case 'consent':
      return { journey, detail: await unwrap(api.GET('/v1/connections/{id}', params)) } as const;
  }
};
export type CaseDetail = Awaited<ReturnType<typeof fetchDetail>>;

/** The case's timeline: state changes, e-mails, callbacks, actions, notes, the next step last. */
export const fetchTimeline = async (journey: Journey, id: string) => {
  const params = { params: { path: { id } } };
  switch (journey) {
    case 'mandate':
      return await unwrap(api.GET('/v1/mandates/{id}/timeline', params));
    case 'caro':
      return await unwrap(api.GET('/v1/caro-orders/{id}/timeline', params));
    case 'consent':
      return await unwrap(api.GET('/v1/connections/{id}/timeline', params));
  }
};
export type Timeline = Awaited<ReturnType<typeof fetchTimeline>>;
export type TimelineEntry = Timeline['entries'][number];

/** The case as the search presents it (status, whose move, next step, the actions open to the caller's role). */
export const fetchHead = async (journey: Journey, id: string) => {
  const found = await unwrap(api.GET('/v1/cases', { params: { query: { q: id, journey, limit: 1 } } }));
  return found.data.find((item) => item.caseId === id) ?? null;
};
