import type { CaroActivationInput } from '../../workflows/caro-activation/contract.js';
import type { ConsentRenewalInput } from '../../workflows/consent-renewal/contract.js';
import type { MandateInput } from '../../workflows/mandate/contract.js';
import type { CaseStart, StartDeps, StartOutcome, StartRefusal } from '../../lib/temporal/start-case.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';

export { pendingStartRow, startCase, startCases } from '../../lib/temporal/start-case.js';
export type { CaseStart, StartOutcome, StartRefusal };

/** The API's Temporal client, database and deadline, as the start helper takes them. */
export const startDeps = (deps: AppDeps): StartDeps => ({
  temporal: deps.temporal,
  prisma: deps.prisma,
  logger: deps.logger,
  taskQueue: deps.taskQueue,
  timeoutMs: deps.temporalTimeoutMs,
});

export const caroStart = (order: { id: string; workflowId: string }, input: CaroActivationInput): CaseStart => ({
  caseType: 'caro',
  caseId: order.id,
  workflowId: order.workflowId,
  workflowType: 'caroActivationWorkflow',
  input,
});

export const mandateStart = (mandate: { id: string; workflowId: string }, input: MandateInput): CaseStart => ({
  caseType: 'mandate',
  caseId: mandate.id,
  workflowId: mandate.workflowId,
  workflowType: 'mandateWorkflow',
  input,
});

export const connectionStart = (
  connection: { id: string; workflowId: string },
  input: ConsentRenewalInput,
): CaseStart => ({
  caseType: 'connection',
  caseId: connection.id,
  workflowId: connection.workflowId,
  workflowType: 'consentRenewalWorkflow',
  input,
});

/** What an item of a bulk order answers: kept (with how its start went) or refused with the reason. */
export type KeptOutcome = 'created' | 'existing' | 'pending_start';

/** Every item refused: nothing was kept, Temporal refused the starts (a server-side fault): 503, retry once fixed. */
export const allRefused = (refusals: { path: string; reason: StartRefusal }[]) =>
  new ApiError(503, 'workflow_start_refused', 'the workflow service refused to start the workflows: nothing was kept', {
    errors: refusals.map(({ path, reason }) => ({ in: 'body', path, message: `${reason.code}: ${reason.message}` })),
  });

export const isRefused = (o: StartOutcome): o is Extract<StartOutcome, { outcome: 'refused' }> =>
  o.outcome === 'refused';

/** How many items ended each way, for the log line of a bulk order. */
export const countOutcomes = (outcomes: StartOutcome[]): Record<string, number> =>
  outcomes.reduce<Record<string, number>>((n, o) => ({ ...n, [o.outcome]: (n[o.outcome] ?? 0) + 1 }), {});
