// One search across the three journeys, the work queue (attention) and the dashboard's summary.
// Scoped like every read: an accountant sees their own office's cases only.
import type { Role } from '../../lib/auth/api-keys.js';
import { ALL_ROLES, defineRoute, type RouteDef } from '../http/route.js';
import {
  caseListSchema,
  casesSummaryQuery,
  casesSummarySchema,
  encodeCursor,
  listCasesQuery,
} from '../schemas/cases.js';
import { problemResponses } from '../schemas/problem.js';
import { ATTENTION_KINDS, type AttentionKind } from '../services/cases/attention.js';
import { presentCase, type ActionRoles } from '../services/cases/found.js';
import {
  casesSummary,
  findCases,
  JOURNEYS,
  searchKeys,
  type CaseFilter,
  type Journey,
} from '../services/cases/search.js';
import { officesToMatch } from '../http/scope.js';
import { caroRoutes } from './caro.js';
import { connectionRoutes } from './connections.js';
import { mandateRoutes } from './mandates.js';

/** The route that takes each journey action: its roles are who may take the action. */
const ACTION_ROUTES: Record<Journey, Record<string, string>> = {
  mandate: {
    download: 'get /v1/mandates/:id/document.pdf',
    sign: 'post /v1/mandates/:id/signing-link',
    archive: 'post /v1/mandates/:id/archive',
    resend: 'post /v1/mandates/:id/resend',
    mark_problem: 'post /v1/mandates/:id/problem',
    resolve_problem: 'post /v1/mandates/:id/problem/resolve',
  },
  caro: {
    resend: 'post /v1/caro-orders/:id/resend',
    copyLink: 'post /v1/caro-orders/:id/activation-link',
    cancel: 'post /v1/caro-orders/:id/cancel',
    reactivate: 'post /v1/caro-orders/:id/reactivate',
    retry: 'post /v1/caro-orders/:id/replay',
  },
  consent: {
    remind_now: 'post /v1/connections/:id/remind',
    new_invitation: 'post /v1/connections/:id/invitation',
    journal_created: 'post /v1/connections/:id/journal-created',
    renew: 'post /v1/connections/:id/renewal',
  },
};

const journeyRoutes: readonly RouteDef[] = [...mandateRoutes, ...caroRoutes, ...connectionRoutes];
const routeRoles = new Map(journeyRoutes.map((r) => [`${r.method} ${r.path}`, r.roles]));
/** Checked when the module loads: an action whose route moved fails every test, not silently. */
for (const [journey, actions] of Object.entries(ACTION_ROUTES))
  for (const [action, route] of Object.entries(actions))
    if (!routeRoles.has(route)) throw new Error(`cases: the ${journey} action ${action} has no route ${route}`);
const rolesOf: ActionRoles = (journey, action) => routeRoles.get(ACTION_ROUTES[journey][action] ?? '') ?? [];

const kindsOf = (attention: string | undefined): AttentionKind[] | undefined =>
  attention === undefined ? undefined : attention === 'true' ? [...ATTENTION_KINDS] : [attention as AttentionKind];

export const caseRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/cases',
    operationId: 'listCases',
    summary:
      'Find cases across the journeys (client name, enterprise number, client code, IBAN, card reference, case or workflow id); `attention` gives the work queue',
    tag: 'cases',
    roles: ALL_ROLES,
    query: listCasesQuery,
    responses: {
      200: {
        description: 'A page of cases: newest first; with `attention`, oldest first by the time it needs attention',
        schema: caseListSchema,
      },
      ...problemResponses(400, 401),
    },
    async handler({ query, actor, deps }) {
      const attention = kindsOf(query.attention);
      const filter: CaseFilter = {
        q: query.q === undefined ? undefined : searchKeys(query.q),
        journeys: query.journey ? [query.journey] : JOURNEYS,
        status: query.status,
        officeIds: officesToMatch(actor, query.officeId),
        clientId: query.clientId,
        attention,
        reportKinds: ATTENTION_KINDS,
      };
      const rows = await findCases(deps.prisma, filter, deps, query.cursor, query.limit + 1);
      const now = Date.now();
      const data = rows.slice(0, query.limit);
      const last = data.at(-1);
      const nextCursor =
        rows.length > query.limit && last
          ? encodeCursor(
              attention && last.attention_since
                ? { id: last.id, since: last.attention_since.toISOString() }
                : { id: last.id },
            )
          : null;
      return {
        status: 200,
        body: { data: data.map((row) => presentCase(row, actor.role as Role, deps, rolesOf, now)), nextCursor },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/cases/summary',
    operationId: 'getCasesSummary',
    summary: 'Counts per journey and status with the median time in state, and per attention kind (the dashboard)',
    tag: 'cases',
    roles: ALL_ROLES,
    query: casesSummaryQuery,
    responses: {
      200: { description: 'The dashboard figures, for the offices the caller may see', schema: casesSummarySchema },
      ...problemResponses(400, 401),
    },
    async handler({ query, actor, deps }) {
      const summary = await casesSummary(
        deps.prisma,
        { journeys: JOURNEYS, officeIds: officesToMatch(actor, query.officeId), reportKinds: ATTENTION_KINDS },
        deps,
      );
      return {
        status: 200,
        body: {
          states: summary.states,
          attention: ATTENTION_KINDS.map((kind) => ({ kind, count: summary.attention[kind] ?? 0 })),
          attentionTotal: summary.attentionTotal,
        },
      };
    },
  }),
];
