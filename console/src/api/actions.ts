import { api, unwrap } from './client';
import { everyOf, type Body, type Journey } from './types';

/** A field an action asks for before its confirmation. */
export type ActionField =
  | { name: string; kind: 'text'; label: 'action.reason' | 'action.noteText' }
  | { name: string; kind: 'email'; label: 'action.email' }
  | { name: string; kind: 'datetime'; label: 'action.validUntil' }
  | { name: string; kind: 'password'; label: 'accounts.newPassword' }
  | { name: string; kind: 'choice'; label: 'action.reason'; choices: readonly string[]; wordsPrefix: string };

export interface ActionDef {
  fields?: readonly ActionField[];
  /** Takes the action; a link in the answer (signing link, activation link) is shown to copy. */
  run(id: string, values: Record<string, string>): Promise<{ url?: string } | unknown>;
}

const path = (id: string) => ({ params: { path: { id } } });
type MandateProblem = Body<'/v1/mandates/{id}/problem', 'post'>['reason'];
/** The reasons the API takes (its document's enum, from workflows/mandate/rules.ts): all of them, checked. */
const MANDATE_PROBLEMS = everyOf<MandateProblem>()([
  'signature_rejected',
  'bank_data_outdated',
  'signer_not_authorised',
  'wrong_enterprise_number',
  'several_signatures_required',
]);

/**
 * Each action the API lists for a case (GET /v1/cases `actions`), with the call that takes it. `download`
 * is a link, not a call. Operators and support also add notes.
 */
export const ACTIONS: Record<Journey, Record<string, ActionDef>> = {
  mandate: {
    sign: { run: (id) => unwrap(api.POST('/v1/mandates/{id}/signing-link', path(id))) },
    resend: { run: (id) => unwrap(api.POST('/v1/mandates/{id}/resend', path(id))) },
    archive: {
      fields: [{ name: 'reason', kind: 'text', label: 'action.reason' }],
      run: (id, v) => unwrap(api.POST('/v1/mandates/{id}/archive', { ...path(id), body: { reason: v.reason ?? '' } })),
    },
    mark_problem: {
      fields: [
        { name: 'reason', kind: 'choice', label: 'action.reason', choices: MANDATE_PROBLEMS, wordsPrefix: 'problem.' },
      ],
      run: (id, v) =>
        unwrap(api.POST('/v1/mandates/{id}/problem', { ...path(id), body: { reason: v.reason as MandateProblem } })),
    },
    resolve_problem: { run: (id) => unwrap(api.POST('/v1/mandates/{id}/problem/resolve', path(id))) },
    note: {
      fields: [{ name: 'text', kind: 'text', label: 'action.noteText' }],
      run: (id, v) => unwrap(api.POST('/v1/mandates/{id}/notes', { ...path(id), body: { text: v.text ?? '' } })),
    },
  },
  caro: {
    resend: { run: (id) => unwrap(api.POST('/v1/caro-orders/{id}/resend', path(id))) },
    copyLink: { run: (id) => unwrap(api.POST('/v1/caro-orders/{id}/activation-link', path(id))) },
    cancel: { run: (id) => unwrap(api.POST('/v1/caro-orders/{id}/cancel', path(id))) },
    reactivate: {
      fields: [{ name: 'cardholderEmail', kind: 'email', label: 'action.email' }],
      run: (id, v) =>
        unwrap(
          api.POST('/v1/caro-orders/{id}/reactivate', {
            ...path(id),
            body: { cardholderEmail: v.cardholderEmail ?? '' },
          }),
        ),
    },
    retry: { run: (id) => unwrap(api.POST('/v1/caro-orders/{id}/replay', { ...path(id), body: { dryRun: false } })) },
    note: {
      fields: [{ name: 'text', kind: 'text', label: 'action.noteText' }],
      run: (id, v) => unwrap(api.POST('/v1/caro-orders/{id}/notes', { ...path(id), body: { text: v.text ?? '' } })),
    },
  },
  consent: {
    remind_now: { run: (id) => unwrap(api.POST('/v1/connections/{id}/remind', path(id))) },
    new_invitation: { run: (id) => unwrap(api.POST('/v1/connections/{id}/invitation', path(id))) },
    journal_created: { run: (id) => unwrap(api.POST('/v1/connections/{id}/journal-created', path(id))) },
    renew: {
      fields: [{ name: 'validUntil', kind: 'datetime', label: 'action.validUntil' }],
      run: (id, v) =>
        unwrap(
          api.POST('/v1/connections/{id}/renewal', {
            ...path(id),
            body: { validUntil: new Date(v.validUntil ?? '').toISOString() },
          }),
        ),
    },
    note: {
      fields: [{ name: 'text', kind: 'text', label: 'action.noteText' }],
      run: (id, v) => unwrap(api.POST('/v1/connections/{id}/notes', { ...path(id), body: { text: v.text ?? '' } })),
    },
  },
};
