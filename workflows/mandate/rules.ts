/**
 * The mandate journey's rules as pure data and functions (docs/domain.md#journey-1-mandate-signing,
 * docs/domain.md#client-edits): its states, the sets of states each rule speaks of, whose move it is,
 * and the actions open in each state. The workflow, the activities and the API import them from here;
 * nothing re-declares them. No imports: the workflow sandbox, the API and the activities can all load
 * this file.
 */

/** States of a mandate. `awaiting_bank_link` is the KBC/CBC path's unsigned state. */
export const MANDATE_STATES = [
  'registered',
  'in_preparation',
  'available_online',
  'sent_to_client',
  'awaiting_bank_link',
  'signed',
  'bank_processing',
  'active',
  'problem',
  'archived',
] as const;
export type MandateState = (typeof MANDATE_STATES)[number];

export const MANDATE_PROBLEM_REASONS = [
  'signature_rejected',
  'bank_data_outdated',
  'signer_not_authorised',
  'wrong_enterprise_number',
  'several_signatures_required',
] as const;
export type MandateProblemReason = (typeof MANDATE_PROBLEM_REASONS)[number];

/** `esign`: other banks (electronic signature); `bank_link`: KBC/CBC (link in the bank app). */
export const MANDATE_PATHS = ['esign', 'bank_link'] as const;
export type MandatePath = (typeof MANDATE_PATHS)[number];
/** `office`: the office presents it ('Dispo. en ligne'); `service`: the client is e-mailed ('Envoyé au client'). */
export const MANAGEMENT_MODES = ['office', 'service'] as const;
export type ManagementMode = (typeof MANAGEMENT_MODES)[number];
/** Who can move the mandate on. */
export const MANDATE_PARTIES = ['service', 'office', 'client', 'bank', 'nobody'] as const;
export type MandateParty = (typeof MANDATE_PARTIES)[number];

/** Final states: the workflow ends there. */
export const FINAL_MANDATE_STATES: readonly MandateState[] = ['active', 'archived'];
/** Every state before the end: a mandate can still be archived or put in problem. */
export const OPEN_MANDATE_STATES: readonly MandateState[] = MANDATE_STATES.filter(
  (s) => !FINAL_MANDATE_STATES.includes(s),
);
/**
 * Not signed or linked yet: the client's signature (other banks) or bank-app link (KBC/CBC,
 * `awaiting_bank_link`) moves these on. A `problem` is not among them: whether a report answers a
 * problem depends on the problem (`SIGNATURE_PROBLEMS`) and on whether the bank refused.
 */
export const UNSIGNED_MANDATE_STATES: readonly MandateState[] = [
  'registered',
  'in_preparation',
  'available_online',
  'sent_to_client',
  'awaiting_bank_link',
];
/**
 * Seed 004: the unsigned mandates a client edit presents again with the new data, in these four
 * states exactly. `awaiting_bank_link` is not among them (docs/domain.md#client-edits names these four).
 */
export const PRESENTED_AGAIN_BY_CLIENT_EDIT = [
  'in_preparation',
  'available_online',
  'sent_to_client',
  'problem',
] as const satisfies readonly MandateState[];
/** Waiting for the client: reminders run while the mandate is in one of these. */
export const WAITING_FOR_CLIENT: readonly MandateState[] = ['sent_to_client', 'awaiting_bank_link'];
/** Presented and not signed: resend presents it again with a new document and link. */
export const RESENDABLE_MANDATE_STATES: readonly MandateState[] = [
  'available_online',
  'sent_to_client',
  'awaiting_bank_link',
  'problem',
];
/** Being prepared: an action waits for the presentation, then is judged on the state it finds. */
export const PREPARING_MANDATE_STATES: readonly MandateState[] = ['registered', 'in_preparation'];
/** Presented for an e-signature: the current presentation's signing link can be copied. */
export const SIGNING_LINK_STATES: readonly MandateState[] = ['available_online', 'sent_to_client'];
/** Signed or linked, and on to the bank. */
export const SIGNED_MANDATE_STATES: readonly MandateState[] = ['signed', 'bank_processing', 'active'];
/** Problems a new signature answers: the client may still sign the same document. */
export const SIGNATURE_PROBLEMS: readonly (MandateProblemReason | null)[] = [
  'signature_rejected',
  'several_signatures_required',
];

/** Is `state` one of `set`? Narrows a plain string (a database row's status) too. */
export const isIn = <S extends string>(set: readonly S[], state: string): state is S =>
  (set as readonly string[]).includes(state);

/** Whose move it is in each state. */
export const WHOSE_MOVE: Record<MandateState, MandateParty> = {
  registered: 'service',
  in_preparation: 'service',
  available_online: 'office',
  sent_to_client: 'client',
  awaiting_bank_link: 'client',
  signed: 'bank',
  bank_processing: 'bank',
  active: 'nobody',
  problem: 'office',
  archived: 'nobody',
};

/** Where a presentation leaves the mandate: KBC/CBC wait for the bank link, others for the office or the client. */
export const presentedState = (path: MandatePath, mode: ManagementMode): MandateState =>
  path === 'bank_link' ? 'awaiting_bank_link' : mode === 'office' ? 'available_online' : 'sent_to_client';

export const MANDATE_ACTIONS = ['download', 'sign', 'archive', 'resend', 'mark_problem', 'resolve_problem'] as const;
export type MandateAction = (typeof MANDATE_ACTIONS)[number];

const ALLOWED: Record<MandateAction, (state: MandateState, path: MandatePath) => boolean> = {
  download: (s) => s !== 'archived',
  // KBC/CBC accounts are linked in the bank app: no electronic signature.
  sign: (s, path) => path === 'esign' && isIn(PRESENTED_AGAIN_BY_CLIENT_EDIT, s),
  archive: (s) => OPEN_MANDATE_STATES.includes(s),
  resend: (s) => RESENDABLE_MANDATE_STATES.includes(s),
  mark_problem: (s) => OPEN_MANDATE_STATES.includes(s) && s !== 'problem',
  resolve_problem: (s) => s === 'problem',
};

/** May the office take `action` on a mandate in `state`? The workflow refuses what this refuses. */
export const allowsAction = (action: MandateAction, state: MandateState, path: MandatePath): boolean =>
  ALLOWED[action](state, path);

/** The actions open to the office on a mandate in `state`, in `MANDATE_ACTIONS` order. */
export const mandateActions = (state: MandateState, path: MandatePath): MandateAction[] =>
  MANDATE_ACTIONS.filter((action) => allowsAction(action, state, path));
