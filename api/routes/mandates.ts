import { mandateSigningLink } from '../../lib/links/mandate-signing.js';
import type { Prisma } from '../../lib/db/client.js';
import { uuidv7 } from '../../lib/db/ids.js';
import {
  archiveUpdate,
  mandateWorkflowId,
  markProblemUpdate,
  resendUpdate,
  resolveProblemUpdate,
  SIGNING_LINK_STATES,
} from '../../workflows/mandate/contract.js';
import type { AppDeps } from '../deps.js';
import { ApiError, notFound, notFoundInBody } from '../errors.js';
import { page, pageArgs, pageSchema } from '../http/pagination.js';
import { ALL_ROLES, defineRoute, EDITORS, type Actor } from '../http/route.js';
import { tenantScope } from '../http/scope.js';
import { idParams } from '../schemas/common.js';
import {
  archiveMandateBody,
  listMandatesQuery,
  mandateDetailSchema,
  mandateProblemBody,
  mandateSchema,
  orderMandatesBody,
  orderMandatesResponse,
  signingLinkSchema,
} from '../schemas/mandates.js';
import { problemResponses } from '../schemas/problem.js';
import { mandateDetail } from '../services/mandate-detail.js';
import { apiLinkBuilder } from '../services/link-signing.js';
import { mandatePdf } from '../services/mandate-document.js';
import { allRefused, isRefused, mandateStart, pendingStartRow, startCases, startDeps } from '../services/start-case.js';
import {
  mandateAction,
  mandateInclude,
  mandateInput,
  presentMandate,
  updateIdOf,
  workflowActor,
  type MandateRow,
} from '../services/mandates.js';

async function findMandate(deps: AppDeps, actor: Actor, id: string): Promise<MandateRow> {
  const mandate = await deps.prisma.mandate.findFirst({
    where: { id, ...tenantScope(actor).mandate },
    include: mandateInclude,
  });
  if (!mandate) throw notFound('mandate');
  return mandate;
}

const reload = (deps: AppDeps, id: string) =>
  deps.prisma.mandate.findUniqueOrThrow({ where: { id }, include: mandateInclude });

const invalid = (status: number, code: string, message: string, errors: { path: string; message: string }[]) =>
  new ApiError(status, code, message, { errors: errors.map((e) => ({ in: 'body', ...e })) });

/**
 * The mandates of the accounts that have none, in one statement: each row with its final workflow
 * id and its pending start, so the workflow's first activity always finds it; the caller then starts
 * the workflows. An account a concurrent twin order got first is skipped (ON CONFLICT) and gets no
 * pending start: one mandate, one workflow. Answers every account's mandate, and which are new.
 */
async function recordAll(
  deps: AppDeps,
  accounts: { id: string; isKbcGroup: boolean; mandate: { id: string } | null }[],
  managementMode: 'office' | 'service',
): Promise<{ isNew: boolean; mandate: MandateRow }[]> {
  const fresh = accounts
    .filter((a) => !a.mandate)
    .map((account) => {
      const id = uuidv7();
      const workflowId = mandateWorkflowId(id);
      const start = mandateStart({ id, workflowId }, mandateInput(deps, { id, managementMode, bankAccount: account }));
      return { id, accountId: account.id, workflowId, input: JSON.stringify(start.input), type: start.workflowType };
    });
  const inserted = new Set<string>();
  if (fresh.length > 0) {
    const rows = await deps.prisma.$queryRaw<{ caseId: string }[]>`
      WITH input AS (
        SELECT * FROM unnest(${fresh.map((f) => f.id)}::text[], ${fresh.map((f) => f.accountId)}::text[],
                             ${fresh.map((f) => f.workflowId)}::text[], ${fresh.map((f) => f.input)}::jsonb[])
          AS t(id, "bankAccountId", "workflowId", input)),
      m AS (
        INSERT INTO mandates (id, "bankAccountId", "managementMode", "workflowId", "updatedAt")
        SELECT id, "bankAccountId", ${managementMode}::"ManagementMode", "workflowId", now() FROM input
        ON CONFLICT DO NOTHING
        RETURNING id)
      INSERT INTO pending_starts ("workflowId", "caseType", "caseId", "workflowType", input)
      SELECT i."workflowId", 'mandate'::"CaseType", i.id, ${fresh[0]!.type}, i.input FROM input i JOIN m USING (id)
      RETURNING "caseId"`;
    for (const row of rows) inserted.add(row.caseId);
  }
  const mandates = await deps.prisma.mandate.findMany({
    where: { bankAccountId: { in: accounts.map((a) => a.id) } },
    include: mandateInclude,
  });
  const byAccount = new Map(mandates.map((m) => [m.bankAccountId, m]));
  return accounts.map((a) => {
    const mandate = byAccount.get(a.id);
    if (!mandate) throw new Error(`mandate of account ${a.id} neither written nor found`);
    return { isNew: inserted.has(mandate.id), mandate };
  });
}

const actionResponses = (description: string) => ({
  202: { description, schema: mandateSchema },
  ...problemResponses(400, 401, 403, 404, 409),
});

export const mandateRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/mandates',
    operationId: 'orderMandates',
    summary: 'Order mandates for one or many bank accounts; each starts its own workflow',
    tag: 'mandates',
    roles: EDITORS,
    body: orderMandatesBody,
    action: 'mandate.order',
    responses: {
      202: {
        description:
          'Ordered, per account: created, existing (kept), pending_start (its workflow starts within minutes) or refused',
        schema: orderMandatesResponse,
      },
      ...problemResponses(400, 401, 403, 404, 409, 422, 503),
    },
    async handler({ body, actor, deps, req }) {
      const accounts = await deps.prisma.bankAccount.findMany({
        where: { id: { in: body.bankAccountIds }, ...tenantScope(actor).bankAccount },
        include: { client: true, mandate: true },
      });
      const byId = new Map(accounts.map((a) => [a.id, a]));
      const unknown = body.bankAccountIds.flatMap((id, i) =>
        byId.has(id) ? [] : [{ path: `bankAccountIds.${i}`, message: 'no such bank account' }],
      );
      if (unknown.length) throw notFoundInBody('bank account', unknown);
      if (body.managementMode === 'service') {
        const noEmail = body.bankAccountIds.flatMap((id, i) => {
          const a = byId.get(id)!;
          return a.mandate || a.client.email
            ? []
            : [
                {
                  path: `bankAccountIds.${i}`,
                  message: `client ${a.client.clientCode} has no e-mail address: add one, or order in office mode`,
                },
              ];
        });
        if (noEmail.length)
          throw invalid(
            422,
            'client_email_missing',
            'service mode e-mails the client, who has no e-mail address',
            noEmail,
          );
      }
      const archived = body.bankAccountIds.flatMap((id, i) =>
        byId.get(id)!.mandate?.status === 'archived'
          ? [{ path: `bankAccountIds.${i}`, message: 'this account’s mandate is archived' }]
          : [],
      );
      if (archived.length)
        throw invalid(409, 'mandate_archived', 'an archived mandate is final: one mandate per account', archived);

      // Rows first (one statement: a twin request meets the unique account), then every start that
      // is due (a new mandate, or a `registered` one whose workflow may not run yet) in parallel.
      const recorded = await recordAll(
        deps,
        body.bankAccountIds.map((id) => byId.get(id)!),
        body.managementMode,
      );
      const due = recorded.filter((r) => r.mandate.status === 'registered');
      const starts = due.map((r) => mandateStart(r.mandate, mandateInput(deps, r.mandate)));
      // A `registered` mandate of an earlier order gets its pending start again (a new one has it).
      const again = starts.filter((_, i) => !due[i]!.isNew);
      if (again.length > 0)
        await deps.prisma.pendingStart.createMany({ data: again.map(pendingStartRow), skipDuplicates: true });
      const outcomes = new Map(
        (await startCases(startDeps(deps), starts)).map((outcome, i) => [due[i]!.mandate.id, outcome]),
      );
      const refusedNew = recorded.filter((r) => r.isNew && outcomes.get(r.mandate.id)?.outcome === 'refused');
      if (refusedNew.length > 0) {
        const ids = refusedNew.map((r) => r.mandate.id);
        await deps.prisma.$transaction([
          deps.prisma.pendingStart.deleteMany({ where: { caseType: 'mandate', caseId: { in: ids } } }),
          deps.prisma.mandate.deleteMany({ where: { id: { in: ids }, status: 'registered' } }),
        ]);
      }
      const data = [];
      const refused = [];
      for (const { isNew, mandate } of recorded) {
        const started = outcomes.get(mandate.id);
        if (started && isRefused(started)) {
          refused.push({ bankAccountId: mandate.bankAccountId, reason: started.reason });
          continue;
        }
        const outcome = started?.outcome === 'pending_start' ? 'pending_start' : isNew ? 'created' : 'existing';
        req.log.info({ mandateId: mandate.id, workflowId: mandate.workflowId, outcome }, 'mandate ordered');
        data.push({ outcome, mandate: presentMandate(mandate) });
      }
      if (data.length === 0)
        throw allRefused(
          refused.map((r) => ({
            path: `bankAccountIds.${body.bankAccountIds.indexOf(r.bankAccountId)}`,
            reason: r.reason,
          })),
        );
      const created = data.filter((d) => d.outcome === 'created').map((d) => d.mandate.id);
      return {
        status: 202,
        body: { data, refused },
        audited: {
          resourceType: 'mandate',
          resourceId: data[0]!.mandate.id,
          details: {
            created,
            existing: data.length - created.length,
            ...(refused.length ? { refused: refused.length } : {}),
          },
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/mandates',
    operationId: 'listMandates',
    summary: 'List mandates by client, status, or detected issue (KBC/CBC not linked in time)',
    tag: 'mandates',
    roles: ALL_ROLES,
    query: listMandatesQuery,
    responses: {
      200: { description: 'A page of mandates', schema: pageSchema(mandateSchema) },
      ...problemResponses(400, 401),
    },
    async handler({ query, actor, deps }) {
      const { after, ...args } = pageArgs(query);
      const filters: Prisma.MandateWhereInput[] = [after, tenantScope(actor).mandate];
      if (query.officeId) filters.push({ bankAccount: { client: { officeId: query.officeId } } });
      if (query.clientId) filters.push({ bankAccount: { clientId: query.clientId } });
      if (query.status) filters.push({ status: query.status });
      if (query.issue === 'bank_link_missing') filters.push({ linkIssueAt: { not: null } });
      const rows = await deps.prisma.mandate.findMany({ ...args, where: { AND: filters }, include: mandateInclude });
      const result = page(rows, query.limit);
      return { status: 200, body: { ...result, data: result.data.map(presentMandate) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/mandates/:id',
    operationId: 'getMandate',
    summary: 'Read a mandate from the database: state, whose move, since when, reminders, next step and history',
    tag: 'mandates',
    roles: ALL_ROLES,
    params: idParams,
    responses: { 200: { description: 'The mandate', schema: mandateDetailSchema }, ...problemResponses(400, 401, 404) },
    async handler({ params, actor, deps }) {
      return { status: 200, body: await mandateDetail(deps, actor, params.id) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/mandates/:id/document.pdf',
    operationId: 'downloadMandate',
    summary: 'Download the mandate as a PDF, with the client’s current data',
    tag: 'mandates',
    roles: ALL_ROLES,
    params: idParams,
    responses: {
      200: { description: 'The mandate document', mediaType: 'application/pdf' },
      ...problemResponses(400, 401, 404),
    },
    async handler({ params, actor, deps }) {
      // One read: the mandate with the client's current data and its office.
      const m = await deps.prisma.mandate.findFirst({
        where: { id: params.id, ...tenantScope(actor).mandate },
        include: { bankAccount: { include: { client: { include: { office: true } } } } },
      });
      if (!m) throw notFound('mandate');
      const { bankAccount } = m;
      const { client } = bankAccount;
      const pdf = mandatePdf({
        mandateId: m.id,
        revision: m.revision,
        language: client.language,
        companyName: client.companyName,
        enterpriseNumber: client.enterpriseNumber,
        clientCode: client.clientCode,
        iban: bankAccount.iban,
        bankName: bankAccount.bankName,
        isKbcGroup: bankAccount.isKbcGroup,
        officeName: client.office.name,
        generatedAt: new Date(),
      });
      return {
        status: 200,
        raw: { contentType: 'application/pdf', data: pdf },
        headers: { 'Content-Disposition': `attachment; filename="mandate-${m.id}.pdf"` },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/mandates/:id/signing-link',
    operationId: 'copyMandateSigningLink',
    summary: 'Copy the e-signature link of the current presentation (other banks, while unsigned)',
    tag: 'mandates',
    roles: EDITORS,
    params: idParams,
    action: 'mandate.copy_link',
    responses: {
      200: { description: 'The current signing link', schema: signingLinkSchema },
      ...problemResponses(400, 401, 403, 404, 409, 503),
    },
    async handler({ params, actor, deps }) {
      const m = await findMandate(deps, actor, params.id);
      if (m.bankAccount.isKbcGroup)
        throw new ApiError(
          409,
          'action_not_allowed',
          'KBC/CBC accounts are linked in the bank app: there is no signing link',
        );
      if (!SIGNING_LINK_STATES.includes(m.status))
        throw new ApiError(409, 'action_not_allowed', `the mandate is ${m.status}: there is no signing link to copy`);
      // The same link as in the client's e-mail: same presentation, same expiry.
      const link = mandateSigningLink(apiLinkBuilder(deps), m);
      return {
        status: 200,
        body: { url: link.url, revision: m.revision, expiresAt: link.expiresAt.toISOString() },
        audited: { resourceType: 'mandate', resourceId: m.id, details: { revision: m.revision } },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/mandates/:id/resend',
    operationId: 'resendMandate',
    summary: 'Present the mandate again: new document and link, the reminder plan restarts',
    tag: 'mandates',
    roles: EDITORS,
    params: idParams,
    action: 'mandate.resend',
    responses: actionResponses('Presented again'),
    async handler({ params, actor, deps, req }) {
      const m = await findMandate(deps, actor, params.id);
      await mandateAction(deps, m, (h) =>
        h.executeUpdate(resendUpdate, { ...updateIdOf(req, actor, 'resend'), args: [{ actor: workflowActor(actor) }] }),
      );
      return {
        status: 202,
        body: presentMandate(await reload(deps, m.id)),
        audited: { resourceType: 'mandate', resourceId: m.id },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/mandates/:id/archive',
    operationId: 'archiveMandate',
    summary: 'Archive the mandate with a reason (final)',
    tag: 'mandates',
    roles: EDITORS,
    params: idParams,
    body: archiveMandateBody,
    action: 'mandate.archive',
    responses: actionResponses('Archived'),
    async handler({ params, body, actor, deps, req }) {
      const m = await findMandate(deps, actor, params.id);
      await mandateAction(deps, m, (h) =>
        h.executeUpdate(archiveUpdate, {
          ...updateIdOf(req, actor, 'archive'),
          args: [{ actor: workflowActor(actor), reason: body.reason }],
        }),
      );
      return {
        status: 202,
        body: presentMandate(await reload(deps, m.id)),
        audited: { resourceType: 'mandate', resourceId: m.id, details: { reason: body.reason } },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/mandates/:id/problem',
    operationId: 'markMandateProblem',
    summary: 'Mark a problem with a reason code; reminders stop until it is resolved',
    tag: 'mandates',
    roles: EDITORS,
    params: idParams,
    body: mandateProblemBody,
    action: 'mandate.problem',
    responses: actionResponses('In problem'),
    async handler({ params, body, actor, deps, req }) {
      const m = await findMandate(deps, actor, params.id);
      await mandateAction(deps, m, (h) =>
        h.executeUpdate(markProblemUpdate, {
          ...updateIdOf(req, actor, 'problem'),
          args: [{ actor: workflowActor(actor), reason: body.reason }],
        }),
      );
      return {
        status: 202,
        body: presentMandate(await reload(deps, m.id)),
        audited: { resourceType: 'mandate', resourceId: m.id, details: { reason: body.reason } },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/mandates/:id/problem/resolve',
    operationId: 'resolveMandateProblem',
    summary: 'Resolve the problem: the mandate is presented again with the current data',
    tag: 'mandates',
    roles: EDITORS,
    params: idParams,
    action: 'mandate.resolve',
    responses: actionResponses('Presented again'),
    async handler({ params, actor, deps, req }) {
      const m = await findMandate(deps, actor, params.id);
      await mandateAction(deps, m, (h) =>
        h.executeUpdate(resolveProblemUpdate, {
          ...updateIdOf(req, actor, 'resolve'),
          args: [{ actor: workflowActor(actor) }],
        }),
      );
      return {
        status: 202,
        body: presentMandate(await reload(deps, m.id)),
        audited: { resourceType: 'mandate', resourceId: m.id },
      };
    },
  }),
];
