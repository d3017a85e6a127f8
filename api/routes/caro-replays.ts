import { BACK_OFFICE, defineRoute } from '../http/route.js';
import {
  caroReplayCasesQuery,
  caroReplayDetailSchema,
  caroReplayListSchema,
  createCaroReplayBody,
  listCaroReplaysQuery,
} from '../schemas/caro-replays.js';
import { idParams } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { batchView, casePage, confirmBatch, findBatch, previewBatch } from '../services/caro-replays.js';

const located = (id: string) => ({ Location: `/v1/caro-replays/${id}` });
const firstPage = { limit: 50 } as const;

/**
 * Support's bulk replay of failed CARO activations (issue 16): a preview freezes the exact cases,
 * the confirmation starts the workflow `caro-replay:<id>` on the worker, the progress is read from
 * the database.
 */
export const caroReplayRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/caro-replays',
    operationId: 'previewCaroReplay',
    summary: 'Preview a bulk replay: the exact cases the filter takes now, frozen in a batch; nothing is replayed',
    tag: 'caro',
    roles: BACK_OFFICE,
    body: createCaroReplayBody,
    action: 'caro.replay_preview',
    responses: {
      201: { description: 'The batch, with the first page of its cases', schema: caroReplayDetailSchema },
      ...problemResponses(400, 401, 403),
    },
    async handler({ body, actor, deps, req }) {
      const batch = await previewBatch(deps, body, actor);
      req.log.info({ batchId: batch.id, total: batch.total }, 'CARO bulk replay previewed');
      return {
        status: 201,
        body: { ...(await batchView(deps, batch)), cases: await casePage(deps, batch.id, firstPage) },
        headers: located(batch.id),
        audited: { resourceType: 'caro_replay_batch', resourceId: batch.id, details: { total: batch.total } },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/caro-replays/:id/start',
    operationId: 'startCaroReplay',
    summary:
      'Confirm a previewed bulk replay: its workflow replays exactly those cases, in your name (a second confirm changes nothing)',
    tag: 'caro',
    roles: BACK_OFFICE,
    params: idParams,
    action: 'caro.replay_start',
    responses: {
      202: {
        description: 'Confirmed: running, or (status confirmed) its start is being confirmed',
        schema: caroReplayDetailSchema,
      },
      ...problemResponses(400, 401, 403, 404, 409, 503),
    },
    async handler({ params, actor, deps, req }) {
      const batch = await confirmBatch(deps, params.id, actor);
      req.log.info({ batchId: batch.id, status: batch.status }, 'CARO bulk replay confirmed');
      return {
        status: 202,
        body: { ...(await batchView(deps, batch)), cases: await casePage(deps, batch.id, firstPage) },
        headers: located(batch.id),
        audited: { resourceType: 'caro_replay_batch', resourceId: batch.id, details: { total: batch.total } },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/caro-replays/:id',
    operationId: 'getCaroReplay',
    summary: 'A bulk replay: its counts and one page of its cases with their outcome (from the database)',
    tag: 'caro',
    roles: BACK_OFFICE,
    params: idParams,
    query: caroReplayCasesQuery,
    responses: {
      200: { description: 'The batch and a page of its cases', schema: caroReplayDetailSchema },
      ...problemResponses(400, 401, 403, 404),
    },
    async handler({ params, query, deps }) {
      const batch = await findBatch(deps, params.id);
      return {
        status: 200,
        body: { ...(await batchView(deps, batch)), cases: await casePage(deps, batch.id, query) },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/caro-replays',
    operationId: 'listCaroReplays',
    summary: 'The bulk replays, newest first',
    tag: 'caro',
    roles: BACK_OFFICE,
    query: listCaroReplaysQuery,
    responses: {
      200: { description: 'A page of batches', schema: caroReplayListSchema },
      ...problemResponses(400, 401, 403),
    },
    async handler({ query, deps }) {
      const rows = await deps.prisma.caroReplayBatch.findMany({
        where: query.cursor ? { id: { lt: query.cursor } } : {},
        orderBy: { id: 'desc' },
        take: query.limit + 1,
      });
      const shown = rows.slice(0, query.limit);
      return {
        status: 200,
        body: {
          data: await Promise.all(shown.map((batch) => batchView(deps, batch))),
          nextCursor: rows.length > query.limit ? (shown.at(-1)?.id ?? null) : null,
        },
      };
    },
  }),
];
