import { WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import {
  CONNECTION_STATUSES,
  consentRenewalWorkflowId,
  consentRenewedSignal,
  consentStateQuery,
  type ConsentRenewalInput,
  type ConsentRenewalState,
} from '../../workflows/consent-renewal/contract.js';
import type { consentRenewalWorkflow } from '../../workflows/consent-renewal/workflow.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { idParams } from '../schemas/common.js';
import { createConnectionBody, renewConnectionBody } from '../schemas/connections.js';

export function connectionRoutes(deps: AppDeps): Router {
  const { prisma, temporal } = deps;
  const router = Router();

  const workflowInput = (connectionId: string, validUntil: Date): ConsentRenewalInput => ({
    connectionId,
    validUntil: validUntil.toISOString(),
    schedule: deps.consentSchedule,
  });

  router.post('/', async (req, res) => {
    const body = createConnectionBody.parse(req.body);
    const office = await prisma.office.findUnique({ where: { id: body.officeId }, select: { id: true } });
    if (!office) throw new ApiError(422, 'unknown_office', 'officeId does not name an existing office', { errors: [{ path: 'officeId', message: 'no such office' }] });
    const validUntil = new Date(body.validUntil);
    if (validUntil.getTime() <= Date.now()) {
      throw new ApiError(422, 'deadline_in_past', 'validUntil must be in the future', { errors: [{ path: 'validUntil', message: 'must be in the future' }] });
    }
    // The row and the workflow start together: if Temporal refuses, the row is rolled back.
    const connection = await prisma.$transaction(async (tx) => {
      const row = await tx.connection.create({
        data: {
          officeId: body.officeId,
          clientId: body.clientId ?? null,
          provider: body.provider,
          ownerEmail: body.ownerEmail ?? null,
          ownerLanguage: body.ownerLanguage,
          ibans: body.ibans,
          validUntil,
          status: 'connected',
          workflowId: '',
        },
      });
      const workflowId = consentRenewalWorkflowId(row.id);
      await withTemporalDeadline(deps, () =>
        temporal.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [workflowInput(row.id, validUntil)],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      );
      return tx.connection.update({ where: { id: row.id }, data: { workflowId } });
    });
    req.log.info({ connectionId: connection.id, workflowId: connection.workflowId }, 'connection registered');
    res.status(202).location(`/v1/connections/${connection.id}`).json(connection);
  });

  router.get('/:id', async (req, res) => {
    const { id } = idParams.parse(req.params);
    const connection = await prisma.connection.findUnique({ where: { id } });
    if (!connection) throw notFound('connection');
    const handle = temporal.workflow.getHandle(connection.workflowId);
    const description = await withTemporalDeadline(deps, async () => {
      try {
        return await handle.describe();
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      }
    });
    let state: ConsentRenewalState | null = null;
    if (description?.status.name === 'RUNNING') {
      // Queries need a worker: with none polling, answer from the database instead of hanging.
      try {
        state = await temporal.withDeadline(Date.now() + Math.min(deps.temporalTimeoutMs, 2_000), () => handle.query(consentStateQuery));
      } catch (error) {
        req.log.warn({ workflowId: connection.workflowId, err: { message: (error as Error).message } }, 'status query not answered');
      }
    }
    const workflow = { workflowId: connection.workflowId, status: description?.status.name ?? 'NOT_FOUND', state };
    res.json({ ...connection, action: CONNECTION_STATUSES[connection.status], workflow });
  });

  /** The aggregator (or an operator) reports a new deadline: the plan starts anew from it. */
  router.post('/:id/renewal', async (req, res) => {
    const { id } = idParams.parse(req.params);
    const body = renewConnectionBody.parse(req.body);
    const validUntil = new Date(body.validUntil);
    const connection = await prisma.connection.findUnique({ where: { id } });
    if (!connection) throw notFound('connection');
    if (validUntil.getTime() < connection.validUntil.getTime()) {
      // A stale report, delivered out of order: nothing changes.
      res.status(200).json(connection);
      return;
    }
    // The database first: a reminder activity racing this renewal reads the new deadline and stays silent.
    // An equal deadline is signalled again (the workflow ignores it), so a retry after a 503 is never lost.
    // Guarded update: of two renewals racing, the later deadline wins whatever the order.
    await prisma.connection.updateMany({ where: { id, validUntil: { lt: validUntil } }, data: { validUntil, status: 'connected' } });
    const updated = await prisma.connection.findUniqueOrThrow({ where: { id } });
    await withTemporalDeadline(deps, async () => {
      try {
        await temporal.workflow.getHandle(connection.workflowId).signal(consentRenewedSignal, { validUntil: validUntil.toISOString() });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        // The previous consent already expired and its run ended: the renewal starts a new one.
        await temporal.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
          workflowId: connection.workflowId,
          taskQueue: deps.taskQueue,
          args: [workflowInput(id, validUntil)],
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
      }
    });
    req.log.info({ connectionId: id, workflowId: connection.workflowId }, 'consent renewed');
    res.status(202).location(`/v1/connections/${id}`).json(updated);
  });

  return router;
}
