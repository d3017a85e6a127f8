/**
 * The rules of a connection's status (docs/domain.md#journey-3-consent-renewal), in one place: the statuses, the sets
 * of them, the office's actions allowed in each, and how each change moves the status. Pure data and
 * functions: the workflow, its activities and the API import them; nothing re-declares them.
 */
import { DAY_MS, days } from '../shared/duration.js';

/** Statuses of a bank connection, each with the action it asks of the office. */
export const CONNECTION_STATUSES = {
  connected: 'none',
  expires_soon: 'renew the consent',
  expired: 'renew the consent at the bank',
  not_connected: 'complete the bank link',
  no_authorised_iban: 'link and activate the account, or renew',
  account_not_found: 'repair: send a new invitation',
  access_lost: 'invite the user again',
  journal_missing: 'create a ledger journal for this IBAN, then reactivate',
} as const;
export type ConnectionStatus = keyof typeof CONNECTION_STATUSES;
export const CONNECTION_STATUS_LIST = Object.keys(CONNECTION_STATUSES) as [ConnectionStatus, ...ConnectionStatus[]];

const isIn =
  <S extends ConnectionStatus>(set: readonly S[]) =>
  (status: string): status is S =>
    (set as readonly string[]).includes(status);

/** Follow from the deadline: the consent workflow sets them, the aggregator never reports them. */
export const DEADLINE_STATUSES = ['expires_soon', 'expired'] as const satisfies readonly ConnectionStatus[];
export type ReportedStatus = Exclude<ConnectionStatus, (typeof DEADLINE_STATUSES)[number]>;
export const REPORTED_STATUSES = CONNECTION_STATUS_LIST.filter(
  (status): status is ReportedStatus => !isIn(DEADLINE_STATUSES)(status),
) as [ReportedStatus, ...ReportedStatus[]];

/** A new deadline answers these: a missing journal or a lost access stays after a renewal. */
export const RENEWAL_STATUSES = [
  'connected',
  'expires_soon',
  'expired',
  'no_authorised_iban',
] as const satisfies readonly ConnectionStatus[];

/** A consent reminder (scheduled or "remind now") helps these only; the others ask for another action. */
export const REMINDER_STATUSES = ['connected', 'expires_soon'] as const satisfies readonly ConnectionStatus[];
export const remindable = isIn(REMINDER_STATUSES);

/**
 * A new invitation to the owner repairs these (docs/domain.md#journey-3-consent-renewal: `account_not_found` "send a
 * new invitation", `access_lost` "invite the user again"), and an invitation link opens only while the
 * connection is in one of them. `not_connected` asks to complete the bank link, not for an invitation.
 */
export const INVITATION_STATUSES = ['account_not_found', 'access_lost'] as const satisfies readonly ConnectionStatus[];
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export const needsInvitation = isIn(INVITATION_STATUSES);

/** The office's actions on a connection, and the statuses in which each is allowed. */
export const CONNECTION_ACTIONS = {
  remind_now: REMINDER_STATUSES,
  new_invitation: INVITATION_STATUSES,
  journal_created: ['journal_missing'],
  renew: RENEWAL_STATUSES,
} as const satisfies Record<string, readonly ConnectionStatus[]>;
export type ConnectionAction = keyof typeof CONNECTION_ACTIONS;
export const allows = (action: ConnectionAction, status: string): boolean =>
  (CONNECTION_ACTIONS[action] as readonly string[]).includes(status);

/** What moves a connection's status; only the consent workflow applies them (through its activities). */
export type StatusChange =
  | { kind: 'reported'; status: ReportedStatus }
  | { kind: 'renewed'; validUntil: string }
  | { kind: 'journal_created' }
  | { kind: 'reminded' }
  | { kind: 'expired' };

/** Who causes each kind of change, as the case's timeline shows it (the office's key is in the audit). */
export const CHANGE_ACTOR: Record<StatusChange['kind'], 'aggregator' | 'office' | 'system'> = {
  reported: 'aggregator',
  renewed: 'aggregator',
  journal_created: 'office',
  reminded: 'system',
  expired: 'system',
};

/**
 * The statuses a change applies from, and the status it leads to; `soon`: the deadline is within
 * the expires-soon window. Only a renewal lifts `expired`, and a reported "connected" does not hide
 * an approaching deadline.
 */
export function transition(
  change: StatusChange,
  soon: boolean,
): { from: readonly ConnectionStatus[]; to: ConnectionStatus } {
  const except = (...kept: ConnectionStatus[]) => CONNECTION_STATUS_LIST.filter((status) => !kept.includes(status));
  const live = soon ? 'expires_soon' : 'connected';
  switch (change.kind) {
    case 'reported':
      return {
        from: change.status === 'connected' ? except('expired', 'expires_soon') : except('expired'),
        to: change.status,
      };
    case 'renewed':
      return { from: RENEWAL_STATUSES, to: live };
    case 'journal_created':
      return { from: CONNECTION_ACTIONS.journal_created, to: live };
    case 'reminded':
      return { from: ['connected'], to: 'expires_soon' };
    case 'expired':
      return { from: except('expired'), to: 'expired' };
  }
}

/** The status after `change`, from `current`: unchanged when the change does not apply to it. */
export function statusAfter(current: ConnectionStatus, change: StatusChange, soon: boolean): ConnectionStatus {
  const { from, to } = transition(change, soon);
  return from.includes(current) ? to : current;
}

/** A schedule as the API has it (durations) or as workflows started before durations recorded it (whole days). */
type AnyConsentSchedule = { remindersBefore: readonly { ms: number }[] } | { reminderDaysBefore: readonly number[] };

/** How long before its deadline a consent "expires soon": its earliest reminder (15 days by default). */
export const expiresSoonWindowMs = (schedule: AnyConsentSchedule): number =>
  'remindersBefore' in schedule
    ? Math.max(...schedule.remindersBefore.map((r) => r.ms))
    : days(Math.max(...schedule.reminderDaysBefore));

/** The same window in whole days, rounded up (the office's "expires within N days" filter). */
export const expiresSoonDays = (schedule: AnyConsentSchedule): number =>
  Math.ceil(expiresSoonWindowMs(schedule) / DAY_MS);

/** Whether a consent valid until `validUntilMs` expires soon at `nowMs`. */
export const expiresSoon = (validUntilMs: number, nowMs: number, schedule: AnyConsentSchedule) =>
  validUntilMs - nowMs <= expiresSoonWindowMs(schedule);

/**
 * Who can move a connection on: the owner renews or completes the bank link (reminded by e-mail),
 * the office repairs the rest (the action of CONNECTION_STATUSES), nobody while all is good.
 */
export const CONNECTION_PARTIES = ['owner', 'office', 'nobody'] as const;
export const CONNECTION_WHOSE_MOVE: Record<ConnectionStatus, (typeof CONNECTION_PARTIES)[number]> = {
  connected: 'nobody',
  expires_soon: 'owner',
  expired: 'owner',
  not_connected: 'owner',
  no_authorised_iban: 'owner',
  account_not_found: 'office',
  access_lost: 'office',
  journal_missing: 'office',
};
