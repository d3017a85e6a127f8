// The routes every journey's case has alike, under its own path (/v1/mandates/:id/…,
// /v1/caro-orders/:id/…, /v1/connections/:id/…): the workflow's live view (a debug view), the
// timeline, and support notes. Scoped like the detail: another office's case is 404.
import { forbidden } from '../errors.js';
import { page, pageArgs, pageSchema } from '../http/pagination.js';
import { ALL_ROLES, BACK_OFFICE, defineRoute, type RouteDef } from '../http/route.js';
import {
  listNotesQuery,
  noteBody,
  noteSchema,
  timelineQuery,
  timelineSchema,
  workflowViewSchema,
} from '../schemas/case-views.js';
import { idParams } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { RESOURCE_TYPE } from '../services/cases/head.js';
import { CASE_JOURNEYS, type CaseJourney } from '../services/cases/journeys.js';
import { addNote, listNotes, NOTE_ACTION } from '../services/cases/notes.js';
import { caseTimeline } from '../services/cases/timeline.js';
import { workflowView, workflowViewOrMissing } from '../services/workflow-view.js';

const routesOf = (j: CaseJourney): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: `${j.basePath}/:id/workflow`,
    operationId: `get${j.name}Workflow`,
    summary: `Read the live state of the ${j.noun}'s workflow (debug view; 2 s deadline for its query)`,
    tag: j.tag,
    roles: BACK_OFFICE,
    params: idParams,
    responses: {
      200: {
        description:
          'The workflow: its status and live state; `available: false` with the reason when no worker answered',
        schema: workflowViewSchema,
      },
      ...problemResponses(400, 401, 403, 404, 503),
    },
    async handler({ params, actor, deps, req }) {
      const head = await j.find(deps, actor, params.id);
      return { status: 200, body: await workflowView(deps, req.log, head.workflowId, j.query) };
    },
  }),
  defineRoute({
    method: 'get',
    path: `${j.basePath}/:id/timeline`,
    operationId: `get${j.name}Timeline`,
    summary: `Read the ${j.noun}'s timeline: state changes, e-mails, callbacks, actions, notes, next step`,
    tag: j.tag,
    roles: ALL_ROLES,
    params: idParams,
    query: timelineQuery,
    responses: {
      200: { description: 'Oldest first, the scheduled next step last', schema: timelineSchema },
      ...problemResponses(400, 401, 403, 404),
    },
    async handler({ params, query, actor, deps, req }) {
      if (query.workflow && actor.role === 'accountant')
        throw forbidden('the live workflow part (workflow=true) is for operators and support');
      const head = await j.find(deps, actor, params.id);
      const [entries, workflow] = await Promise.all([
        caseTimeline(deps.prisma, head),
        query.workflow ? workflowViewOrMissing(deps, req.log, head.workflowId, j.query) : undefined,
      ]);
      return {
        status: 200,
        body: {
          caseType: head.caseType,
          caseId: head.id,
          status: head.status,
          entries,
          ...(workflow ? { workflow } : {}),
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: `${j.basePath}/:id/notes`,
    operationId: `add${j.name}Note`,
    summary: `Add a support note to the ${j.noun} (plain text; card numbers refused)`,
    tag: j.tag,
    roles: BACK_OFFICE,
    params: idParams,
    body: noteBody,
    action: NOTE_ACTION,
    responses: {
      201: { description: 'The note, shown in the timeline', schema: noteSchema },
      ...problemResponses(400, 401, 403, 404),
    },
    async handler({ params, body, actor, deps, req }) {
      const head = await j.find(deps, actor, params.id);
      const note = await addNote(deps.prisma, head.caseType, head.id, actor, body.text);
      req.log.info({ caseType: head.caseType, caseId: head.id, noteId: note.id }, 'case note added');
      return {
        status: 201,
        body: note,
        audited: { resourceType: RESOURCE_TYPE[head.caseType], resourceId: head.id, details: { noteId: note.id } },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: `${j.basePath}/:id/notes`,
    operationId: `list${j.name}Notes`,
    summary: `List the ${j.noun}'s support notes, oldest first`,
    tag: j.tag,
    roles: ALL_ROLES,
    params: idParams,
    query: listNotesQuery,
    responses: {
      200: { description: 'A page of notes', schema: pageSchema(noteSchema) },
      ...problemResponses(400, 401, 404),
    },
    async handler({ params, query, actor, deps }) {
      const head = await j.find(deps, actor, params.id);
      const rows = await listNotes(deps.prisma, head.caseType, head.id, pageArgs(query));
      return { status: 200, body: page(rows, query.limit) };
    },
  }),
];

export const caseViewRoutes: readonly RouteDef[] = CASE_JOURNEYS.flatMap(routesOf);
