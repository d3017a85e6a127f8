import { uuidv7 } from '../../lib/db/ids.js';
import type { CaroOrder, Prisma } from '../../lib/db/client.js';
import { caroLinkSubject } from '../../lib/links/subjects.js';
import { renderTemplate } from '../../lib/email/templates/index.js';
import {
  cancelOrderUpdate,
  caroActivationWorkflowId,
  copyActivationLinkUpdate,
  reactivateOrderUpdate,
  reminderLinkVersion,
  resendInvitationUpdate,
} from '../../workflows/caro-activation/contract.js';
import type { AppDeps } from '../deps.js';
import { ApiError, notFound, notFoundInBody } from '../errors.js';
import { page, pageArgs, pageSchema } from '../http/pagination.js';
import { ALL_ROLES, BACK_OFFICE, defineRoute, EDITORS } from '../http/route.js';
import { tenantScope } from '../http/scope.js';
import { replayCandidates } from '../services/caro-replays.js';
import {
  activationLinkSchema,
  caroOrderDetailSchema,
  caroOrderListSchema,
  caroOrderSchema,
  createCaroOrdersBody,
  listCaroOrdersQuery,
  preorderWarningQuery,
  preorderWarningSchema,
  reactivateCaroBody,
  replayOneBody,
  replayCaroBody,
  replayResultSchema,
} from '../schemas/caro.js';
import { idParams } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { caroHead, rowWithFacts } from '../services/cases/head.js';
import { apiLinkBuilder } from '../services/link-signing.js';
import { allRefused, caroStart, countOutcomes, isRefused, startCases, startDeps } from '../services/start-case.js';
import {
  assertCaroAllowed,
  assertReferencesFree,
  caroAction,
  caroActor,
  caroHandle,
  caroInput,
  decideReplay,
  replay,
  replayAudit,
  updateFailedRun,
  withGuidance,
} from '../services/caro.js';

type ScopedOrder = CaroOrder & { client: { officeId: string; office: { language: string } } };

const withOffice = { client: { select: { officeId: true, office: { select: { language: true } } } } } as const;
const shown = ({ client, ...order }: ScopedOrder) => withGuidance(order, client.office.language);

/** The order, if the actor's office may see it (tenantScope): another office's id is simply not found. */
async function orderFor(deps: AppDeps, where: Prisma.CaroOrderWhereInput): Promise<ScopedOrder> {
  const order = await deps.prisma.caroOrder.findFirst({ where, include: withOffice });
  if (!order) throw notFound('CARO order');
  return order;
}

const reread = async (deps: AppDeps, id: string) =>
  shown(await deps.prisma.caroOrder.findUniqueOrThrow({ where: { id }, include: withOffice }));
const audited = (order: Pick<CaroOrder, 'id'>, details?: Record<string, unknown>) => ({
  resourceType: 'caro_order',
  resourceId: order.id,
  ...(details ? { details } : {}),
});
const located = (order: Pick<CaroOrder, 'id'>) => ({ Location: `/v1/caro-orders/${order.id}` });

/** `Bankfeed <no-reply@x>` → `no-reply@x`. */
const senderAddress = (from: string | undefined) =>
  /<([^<>]+)>/.exec(from ?? '')?.[1] ?? from ?? 'no-reply@bankfeed.example';

export const caroRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/clients/:id/caro-preorder-warning',
    operationId: 'getCaroPreorderWarning',
    summary:
      'A ready-made e-mail for the office to warn cardholders that an activation e-mail is coming (not phishing)',
    tag: 'caro',
    roles: ALL_ROLES,
    params: idParams,
    query: preorderWarningQuery,
    responses: {
      200: { description: "The text, in the language asked (the client's by default)", schema: preorderWarningSchema },
      ...problemResponses(400, 401, 404),
    },
    async handler({ params, query, actor, deps }) {
      const client = await deps.prisma.client.findFirst({
        where: { id: params.id, ...tenantScope(actor).client },
        include: { office: true },
      });
      if (!client) throw notFound('client');
      const rendered = renderTemplate(
        'caro.preorder-warning',
        {
          companyName: client.companyName,
          officeName: client.office.name,
          senderAddress: senderAddress(deps.emailFrom),
        },
        query.language ?? client.language,
      );
      return {
        status: 200,
        body: { language: rendered.language, subject: rendered.subject, text: rendered.text, html: rendered.html },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/caro-orders',
    operationId: 'createCaroOrders',
    summary: 'Order CARO for one or more cards: each cardholder is invited (link, or KBC/CBC bank-app steps)',
    tag: 'caro',
    roles: EDITORS,
    body: createCaroOrdersBody,
    action: 'caro.order',
    responses: {
      202: {
        description:
          'Ordered, per order: created, existing or pending_start (its workflow starts within minutes); refused ones listed',
        schema: caroOrderListSchema,
      },
      ...problemResponses(400, 401, 403, 404, 409, 422, 503),
    },
    async handler({ body, actor, deps, req }) {
      const clientIds = [...new Set(body.orders.map((o) => o.clientId))];
      // The clients and the open orders of these references in parallel; refused in this order:
      // unknown client or account (404), a reference twice in the request (422), one in use (409).
      const [clients, inUse] = await Promise.all([
        deps.prisma.client.findMany({
          where: { id: { in: clientIds }, ...tenantScope(actor).client },
          include: { bankAccounts: true },
        }),
        assertReferencesFree(deps, body.orders).then(
          () => undefined,
          (error: unknown) => error,
        ),
      ]);
      const unknown = (path: string, message: string) => notFoundInBody('client or bank account', [{ path, message }]);
      const planned = body.orders.map((item, i) => {
        const client = clients.find((c) => c.id === item.clientId);
        if (!client) throw unknown(`orders.${i}.clientId`, 'no such client (or not of your office)');
        const account = client.bankAccounts.find((a) => a.id === item.bankAccountId);
        if (!account) throw unknown(`orders.${i}.bankAccountId`, 'no such bank account of this client');
        return { item, account };
      });
      const keys = planned.map(({ item }) => `${item.clientId}/${item.clientReference}`);
      if (new Set(keys).size !== keys.length)
        throw new ApiError(422, 'duplicate_order', 'the same client reference is ordered twice in this request');
      if (inUse) throw inUse;
      // The rows are committed first, with their final workflow ids and their pending starts, so
      // that each workflow's first activity finds its order; then the workflows start. A start that
      // timed out may have happened: its order stays (`pending_start`) and the reconciler finishes
      // it. Only an order whose start Temporal refused is removed again, with any e-mail row of it.
      const rows = planned.map(({ item, account }) => {
        const id = uuidv7();
        return {
          id,
          clientId: item.clientId,
          bankAccountId: account.id,
          kbcGroup: account.isKbcGroup,
          clientReference: item.clientReference,
          cardholderEmail: item.cardholderEmail,
          cardholderLanguage: item.cardholderLanguage,
          workflowId: caroActivationWorkflowId(id),
        };
      });
      const starts = rows.map((row) => caroStart(row, caroInput(deps, row, actor)));
      // The orders and their pending starts in one statement.
      const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((r) => r[key]);
      const orders = await deps.prisma.$queryRaw<CaroOrder[]>`
        WITH o AS (
          INSERT INTO caro_orders (id, "clientId", "bankAccountId", "kbcGroup", "clientReference", "cardholderEmail",
                                   "cardholderLanguage", "workflowId", "updatedAt")
          SELECT id, "clientId", "bankAccountId", "kbcGroup", "clientReference", "cardholderEmail",
                 "cardholderLanguage"::"Language", "workflowId", now()
            FROM unnest(${column('id')}::text[], ${column('clientId')}::text[], ${column('bankAccountId')}::text[],
                        ${column('kbcGroup')}::boolean[], ${column('clientReference')}::text[],
                        ${column('cardholderEmail')}::text[], ${column('cardholderLanguage')}::text[],
                        ${column('workflowId')}::text[])
              AS t(id, "clientId", "bankAccountId", "kbcGroup", "clientReference", "cardholderEmail",
                   "cardholderLanguage", "workflowId")
          RETURNING *),
        p AS (
          INSERT INTO pending_starts ("workflowId", "caseType", "caseId", "workflowType", input)
          SELECT "workflowId", 'caro'::"CaseType", "caseId", "workflowType", input
            FROM unnest(${starts.map((x) => x.workflowId)}::text[], ${starts.map((x) => x.caseId)}::text[],
                        ${starts.map((x) => x.workflowType)}::text[],
                        ${starts.map((x) => JSON.stringify(x.input))}::jsonb[])
              AS t("workflowId", "caseId", "workflowType", input))
        SELECT * FROM o`;
      const byId = new Map(orders.map((o) => [o.id, o]));
      const outcomes = await startCases(startDeps(deps), starts);
      const refused = rows.flatMap((row, i) => {
        const outcome = outcomes[i]!;
        return isRefused(outcome)
          ? [{ index: i, clientId: row.clientId, clientReference: row.clientReference, reason: outcome.reason }]
          : [];
      });
      if (refused.length > 0) {
        const ids = refused.map((r) => rows[r.index]!.id);
        await deps.prisma.$transaction([
          deps.prisma.emailOutbox.deleteMany({ where: { caseType: 'caro', caseId: { in: ids } } }),
          deps.prisma.pendingStart.deleteMany({ where: { caseType: 'caro', caseId: { in: ids } } }),
          deps.prisma.caroOrder.deleteMany({ where: { id: { in: ids } } }),
        ]);
        req.log.warn({ refused: ids, kept: rows.length - ids.length }, 'CARO order: Temporal refused some starts');
        if (refused.length === rows.length)
          throw allRefused(refused.map((r) => ({ path: `orders.${r.index}`, reason: r.reason })));
      }
      const kept = rows.flatMap((row, i) => {
        const outcome = outcomes[i]!;
        if (isRefused(outcome)) return [];
        const { stateVersion: _version, ...order } = byId.get(row.id)!;
        return [{ ...order, guidance: null, outcome: outcome.outcome }];
      });
      req.log.info({ caroOrderIds: kept.map((o) => o.id), outcomes: countOutcomes(outcomes) }, 'CARO ordered');
      const first = kept[0]!;
      return {
        status: 202,
        body: { data: kept, refused },
        headers: rows.length === 1 ? located(first) : {},
        audited: audited(first, {
          orderIds: kept.map((o) => o.id),
          ...(refused.length ? { refused: refused.length } : {}),
        }),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/caro-orders',
    operationId: 'listCaroOrders',
    summary: 'List CARO orders, by status, problem reason, client or office',
    tag: 'caro',
    roles: ALL_ROLES,
    query: listCaroOrdersQuery,
    responses: {
      200: { description: 'A page of CARO orders', schema: pageSchema(caroOrderSchema) },
      ...problemResponses(400, 401),
    },
    async handler({ query, actor, deps }) {
      const { after, ...args } = pageArgs(query);
      const filters: Prisma.CaroOrderWhereInput[] = [after, tenantScope(actor).caroOrder];
      if (query.officeId) filters.push({ client: { officeId: query.officeId } });
      if (query.clientId) filters.push({ clientId: query.clientId });
      if (query.status) filters.push({ status: query.status });
      if (query.reason) filters.push({ problemReason: query.reason });
      const rows = await deps.prisma.caroOrder.findMany({ ...args, where: { AND: filters }, include: withOffice });
      const result = page(rows, query.limit);
      return { status: 200, body: { ...result, data: result.data.map(shown) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/caro-orders/:id',
    operationId: 'getCaroOrder',
    summary:
      'Read a CARO order from the database: state, reason and guidance, whose move, reminders, next step, history',
    tag: 'caro',
    roles: ALL_ROLES,
    params: idParams,
    responses: { 200: { description: 'The order', schema: caroOrderDetailSchema }, ...problemResponses(400, 401, 404) },
    async handler({ params, actor, deps }) {
      // Reminders and rejected e-mails beside the order: shown only once the order is found in scope.
      const [{ row: order, facts }, reminders, rejected] = await Promise.all([
        rowWithFacts(
          deps.prisma,
          () => orderFor(deps, { id: params.id, ...tenantScope(actor).caroOrder }),
          (o) => o.stateVersion,
          (o) => caroHead(o, deps),
        ),
        deps.prisma.reminderSent.findMany({
          where: { caseType: 'caro', caseId: params.id },
          orderBy: { sentAt: 'asc' },
        }),
        deps.prisma.emailOutbox.findMany({
          where: { caseType: 'caro', caseId: params.id, status: 'rejected' },
          orderBy: { createdAt: 'asc' },
        }),
      ]);
      return {
        status: 200,
        body: {
          ...shown(order),
          ...facts,
          reminders: reminders.map((r) => ({
            linkVersion: reminderLinkVersion(r.kind),
            number: r.sequence,
            sentAt: r.sentAt,
            toAddress: r.toAddress,
          })),
          emailProblems: rejected.map((r) => ({ template: r.template, reason: r.error, at: r.updatedAt })),
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/caro-orders/:id/resend',
    operationId: 'resendCaroInvitation',
    summary: 'Resend the invitation: a fresh link (the old one stops working) and the reminder schedule again',
    tag: 'caro',
    roles: EDITORS,
    params: idParams,
    action: 'caro.resend',
    responses: {
      202: { description: 'Resent', schema: caroOrderSchema },
      ...problemResponses(400, 401, 403, 404, 409, 422),
    },
    async handler({ params, actor, deps }) {
      const order = await orderFor(deps, { id: params.id, ...tenantScope(actor).caroOrder });
      const state = await caroAction(deps, () =>
        caroHandle(deps, order).executeUpdate(resendInvitationUpdate, { args: [{ actor: caroActor(actor) }] }),
      );
      return {
        status: 202,
        body: await reread(deps, order.id),
        headers: located(order),
        audited: audited(order, { linkVersion: state.linkVersion }),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/caro-orders/:id/activation-link',
    operationId: 'copyCaroActivationLink',
    summary: 'Copy the activation link (other banks, while the invitation is open)',
    tag: 'caro',
    roles: EDITORS,
    params: idParams,
    action: 'caro.copy_link',
    responses: {
      200: { description: 'The current link', schema: activationLinkSchema },
      ...problemResponses(400, 401, 403, 404, 409, 503),
    },
    async handler({ params, actor, deps }) {
      const order = await orderFor(deps, { id: params.id, ...tenantScope(actor).caroOrder });
      const links = apiLinkBuilder(deps);
      const link = await caroAction(deps, () =>
        caroHandle(deps, order).executeUpdate(copyActivationLinkUpdate, { args: [{ actor: caroActor(actor) }] }),
      );
      // Same subject, version and expiry as the worker's: the copied link is the one the cardholder received.
      const url = links.url('caro-activation', caroLinkSubject(order.id, link.linkVersion), new Date(link.expiresAt));
      return {
        status: 200,
        body: { url, linkVersion: link.linkVersion, expiresAt: link.expiresAt },
        audited: audited(order, { linkVersion: link.linkVersion }),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/caro-orders/:id/cancel',
    operationId: 'cancelCaroOrder',
    summary: 'Cancel a CARO order: reminders stop, the cardholder address is purged',
    tag: 'caro',
    roles: EDITORS,
    params: idParams,
    action: 'caro.cancel',
    responses: {
      202: { description: 'Cancelled', schema: caroOrderSchema },
      ...problemResponses(400, 401, 403, 404, 409),
    },
    async handler({ params, actor, deps, req }) {
      const order = await orderFor(deps, { id: params.id, ...tenantScope(actor).caroOrder });
      const cancel = () =>
        caroAction(deps, () =>
          caroHandle(deps, order).executeUpdate(cancelOrderUpdate, { args: [{ actor: caroActor(actor) }] }),
        );
      try {
        await cancel();
      } catch (error) {
        // The run FAILED (e.g. its invitation was refused): cancelling must still close the case and
        // purge the address, through the workflow, which starts again from the failed run's state.
        if (!(error instanceof ApiError) || error.code !== 'caro_workflow_not_running') throw error;
        if (!(await updateFailedRun(deps, order, actor, cancelOrderUpdate))) throw error;
        req.log.info({ caroOrderId: order.id }, 'CARO order of a failed run: workflow restarted, order cancelled');
        return {
          status: 202,
          body: await reread(deps, order.id),
          headers: located(order),
          audited: audited(order, { workflow: 'failed' }),
        };
      }
      return { status: 202, body: await reread(deps, order.id), headers: located(order), audited: audited(order) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/caro-orders/:id/reactivate',
    operationId: 'reactivateCaroOrder',
    summary: 'Reactivate a cancelled or expired order: a new invitation to the cardholder address given',
    tag: 'caro',
    roles: EDITORS,
    params: idParams,
    body: reactivateCaroBody,
    action: 'caro.reactivate',
    responses: {
      202: { description: 'Invited again', schema: caroOrderSchema },
      ...problemResponses(400, 401, 403, 404, 409, 422),
    },
    async handler({ params, body, actor, deps }) {
      const order = await orderFor(deps, { id: params.id, ...tenantScope(actor).caroOrder });
      assertCaroAllowed(order, 'reactivate');
      // The reference may have been ordered again meanwhile: one order at a time per reference.
      await assertReferencesFree(deps, [order], order.id);
      // The address goes to the database, never into workflow history; refused, it is removed again.
      await deps.prisma.caroOrder.update({
        where: { id: order.id },
        data: {
          cardholderEmail: body.cardholderEmail,
          ...(body.cardholderLanguage ? { cardholderLanguage: body.cardholderLanguage } : {}),
        },
      });
      try {
        await caroAction(deps, () =>
          caroHandle(deps, order).executeUpdate(reactivateOrderUpdate, { args: [{ actor: caroActor(actor) }] }),
        );
      } catch (error) {
        await deps.prisma.caroOrder.update({ where: { id: order.id }, data: { cardholderEmail: null } });
        throw error;
      }
      return { status: 202, body: await reread(deps, order.id), headers: located(order), audited: audited(order) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/caro-orders/:id/replay',
    operationId: 'replayCaroOrder',
    summary: 'Replay a failed activation (retry update, or reset of a failed run); a dry run only tells how',
    tag: 'caro',
    roles: BACK_OFFICE,
    params: idParams,
    body: replayOneBody,
    action: 'caro.replay',
    responses: {
      200: { description: 'Dry run: what would be replayed', schema: replayResultSchema },
      202: { description: 'Replayed', schema: replayResultSchema },
      ...problemResponses(400, 401, 403, 404, 409, 422),
    },
    async handler({ params, body, actor, deps, req }) {
      const order = await orderFor(deps, { id: params.id, ...tenantScope(actor).caroOrder });
      const decision = await decideReplay(deps, order);
      if (body.dryRun) {
        return {
          status: 200,
          body: {
            dryRun: true,
            replayed: 'mechanism' in decision ? [decision] : [],
            skipped: 'why' in decision ? [decision] : [],
          },
        };
      }
      if (!('mechanism' in decision))
        throw new ApiError(409, 'caro_not_replayable', `nothing to replay: ${decision.why}`);
      const done = await replay(deps, order, decision.mechanism, actor);
      req.log.info({ caroOrderId: order.id, mechanism: decision.mechanism }, 'CARO activation replayed');
      return {
        status: 202,
        body: { dryRun: false, replayed: [{ ...decision, ...done }], skipped: [] },
        audited: audited(order, { mechanism: decision.mechanism, ...done }),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/caro-orders/replay',
    operationId: 'replayCaroOrders',
    summary: 'Replay failed activations in bulk, by reason, status, date and office; dryRun lists them',
    tag: 'caro',
    roles: BACK_OFFICE,
    body: replayCaroBody,
    responses: {
      200: { description: 'Dry run: what would be replayed', schema: replayResultSchema },
      202: { description: 'Replayed', schema: replayResultSchema },
      ...problemResponses(400, 401, 403),
    },
    async handler({ body, actor, deps, req }) {
      const candidates = await deps.prisma.caroOrder.findMany({
        where: replayCandidates(body),
        orderBy: { id: 'asc' },
        take: 200,
      });
      const replayed: { orderId: string; mechanism: 'retry-update' | 'reset'; status: string; newRunId?: string }[] =
        [];
      const skipped: { orderId: string; why: string }[] = [];
      for (const order of candidates) {
        const decision = await decideReplay(deps, order);
        if (!('mechanism' in decision)) {
          // A healthy open invitation is no candidate; only say why a problem case is left out.
          if (order.status === 'problem') skipped.push(decision);
          continue;
        }
        if (body.dryRun) {
          replayed.push(decision);
          continue;
        }
        // Each case is audited as soon as it is replayed; one that fails is reported, the others go on.
        try {
          const done = { ...decision, ...(await replay(deps, order, decision.mechanism, actor)) };
          await deps.prisma.auditEvent.create({
            data: replayAudit(actor, done.orderId, {
              mechanism: done.mechanism,
              bulk: true,
              filter: { ...body },
              ...(done.newRunId ? { newRunId: done.newRunId } : {}),
            }),
          });
          replayed.push(done);
        } catch (error) {
          req.log.warn(
            { caroOrderId: order.id, err: { message: (error as Error).message } },
            'CARO bulk replay: case not replayed',
          );
          skipped.push({
            orderId: order.id,
            why: error instanceof ApiError ? error.message : `not replayed: ${(error as Error).message}`,
          });
        }
      }
      req.log.info({ dryRun: body.dryRun, replayed: replayed.length, skipped: skipped.length }, 'CARO bulk replay');
      return { status: body.dryRun ? 200 : 202, body: { dryRun: body.dryRun, replayed, skipped } };
    },
  }),
];
