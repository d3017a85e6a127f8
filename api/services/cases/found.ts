// A row of the case search as the API answers it: the head (whose move, since when, next step) from
// head.ts, the actions open in its state from the journey's own rules, kept to those the caller's
// role may call (the roles of each action's route), and its attention in words.
import type { Role } from '../../../lib/auth/api-keys.js';
import { CARO_ACTIONS, refusal, type CaroAction } from '../../../workflows/caro-activation/plan.js';
import type { CaroStatus } from '../../../workflows/caro-activation/contract.js';
import { allows, CONNECTION_ACTIONS, type ConnectionAction } from '../../../workflows/consent-renewal/rules.js';
import type { ConnectionStatus } from '../../../workflows/consent-renewal/rules.js';
import { mandateActions, type MandateState } from '../../../workflows/mandate/rules.js';
import { attentionItem } from './attention.js';
import { caroHead, connectionHead, mandateHead, type CaseHead } from './head.js';
import type { Schedules } from './next-step.js';
import type { CaseRow, Journey } from './search.js';

/** Who may take each journey action: the roles of the route that takes it (api/routes/cases.ts reads them). */
export type ActionRoles = (journey: Journey, action: string) => readonly Role[];

function head(row: CaseRow, schedules: Schedules): CaseHead {
  const base = { id: row.id, workflowId: row.workflowId, createdAt: row.createdAt, stateChangedAt: row.stateChangedAt };
  if (row.journey === 'mandate')
    return mandateHead(
      {
        ...base,
        status: row.status as MandateState,
        managementMode: row.managementMode ?? 'office',
        presentedAt: row.presentedAt,
        reminderCount: row.reminderCount ?? 0,
        stalledAt: row.stalledAt,
        linkIssueAt: row.linkIssueAt,
        bankAccount: { isKbcGroup: row.isKbcGroup ?? false },
      },
      schedules,
    );
  if (row.journey === 'caro')
    return caroHead(
      {
        ...base,
        status: row.status as CaroStatus,
        linkExpiresAt: row.linkExpiresAt,
        reminderCount: row.reminderCount ?? 0,
      },
      schedules,
    );
  return connectionHead(
    {
      ...base,
      statusChangedAt: row.stateChangedAt,
      status: row.status as ConnectionStatus,
      validUntil: row.validUntil ?? row.createdAt,
    },
    schedules,
  );
}

/** The journey's actions open in this state, in the journey's own order. */
function openActions(row: CaseRow): string[] {
  if (row.journey === 'mandate')
    return mandateActions(row.status as MandateState, row.isKbcGroup ? 'bank_link' : 'esign');
  if (row.journey === 'caro') {
    const state = {
      status: row.status as CaroStatus,
      channel: row.isKbcGroup ? ('bank-app' as const) : ('link' as const),
    };
    return (Object.keys(CARO_ACTIONS) as CaroAction[]).filter((action) => refusal(state, action) === undefined);
  }
  return (Object.keys(CONNECTION_ACTIONS) as ConnectionAction[]).filter((action) => allows(action, row.status));
}

export function presentCase(row: CaseRow, role: Role, schedules: Schedules, rolesOf: ActionRoles, nowMs: number) {
  const h = head(row, schedules);
  return {
    journey: row.journey,
    caseId: row.id,
    workflowId: row.workflowId,
    office: { id: row.officeId, name: row.officeName },
    client: row.clientId === null ? null : { id: row.clientId, name: row.clientName ?? '' },
    status: row.status,
    problemReason: row.problemReason,
    whoseMove: h.whoseMove,
    stateSince: h.stateSince.toISOString(),
    timeInStateMs: Math.max(0, nowMs - h.stateSince.getTime()),
    nextStep: h.nextStep,
    actions: openActions(row).filter((action) => rolesOf(row.journey, action).includes(role)),
    attention: (row.attention ?? []).map((item) => attentionItem(item, row.officeLanguage)),
  };
}
