import { describe, expect, it } from 'vitest';
import {
  allowsAction,
  FINAL_MANDATE_STATES,
  MANDATE_ACTIONS,
  MANDATE_STATES,
  mandateActions,
  OPEN_MANDATE_STATES,
  PRESENTED_AGAIN_BY_CLIENT_EDIT,
  presentedState,
  RESENDABLE_MANDATE_STATES,
  UNSIGNED_MANDATE_STATES,
  WAITING_FOR_CLIENT,
  type MandatePath,
  type MandateState,
} from '../../workflows/mandate/rules.js';

describe('mandate rules (the one home of states, sets and actions)', () => {
  it('awaiting_bank_link is unsigned, waiting for the client and resendable, but not presented again by a client edit', () => {
    expect(UNSIGNED_MANDATE_STATES).toContain('awaiting_bank_link');
    expect(WAITING_FOR_CLIENT).toContain('awaiting_bank_link');
    expect(RESENDABLE_MANDATE_STATES).toContain('awaiting_bank_link');
    // Seed 004 names exactly these four.
    expect([...PRESENTED_AGAIN_BY_CLIENT_EDIT].sort()).toEqual(
      ['available_online', 'in_preparation', 'problem', 'sent_to_client'].sort(),
    );
  });

  it('splits the states into open and final', () => {
    expect(FINAL_MANDATE_STATES).toEqual(['active', 'archived']);
    expect([...OPEN_MANDATE_STATES, ...FINAL_MANDATE_STATES].sort()).toEqual([...MANDATE_STATES].sort());
  });

  it('presents KBC/CBC for the bank link, other banks online (office) or to the client (service)', () => {
    expect(presentedState('bank_link', 'office')).toBe('awaiting_bank_link');
    expect(presentedState('bank_link', 'service')).toBe('awaiting_bank_link');
    expect(presentedState('esign', 'office')).toBe('available_online');
    expect(presentedState('esign', 'service')).toBe('sent_to_client');
  });

  it('gives the actions of every state, the same for the mandate view, the client-edit impact list and the workflow', () => {
    const table = (path: MandatePath) => Object.fromEntries(MANDATE_STATES.map((s) => [s, mandateActions(s, path)]));
    const presented = ['download', 'sign', 'archive', 'resend', 'mark_problem'];
    expect(table('esign')).toEqual({
      registered: ['download', 'archive', 'mark_problem'],
      // Its presentation is under way: no resend (it would present it twice).
      in_preparation: ['download', 'sign', 'archive', 'mark_problem'],
      available_online: presented,
      sent_to_client: presented,
      awaiting_bank_link: ['download', 'archive', 'resend', 'mark_problem'],
      signed: ['download', 'archive', 'mark_problem'],
      bank_processing: ['download', 'archive', 'mark_problem'],
      active: ['download'],
      // Resolving is presenting again; a problem is not marked twice.
      problem: ['download', 'sign', 'archive', 'resend', 'resolve_problem'],
      archived: [],
    });
    // KBC/CBC: linked in the bank app, never signed electronically; otherwise the same.
    const withoutSign = (actions: string[]) => actions.filter((a) => a !== 'sign');
    expect(table('bank_link')).toEqual(
      Object.fromEntries(Object.entries(table('esign')).map(([s, actions]) => [s, withoutSign(actions)])),
    );
  });

  it('allows exactly the listed actions', () => {
    for (const path of ['esign', 'bank_link'] as const)
      for (const state of MANDATE_STATES as readonly MandateState[])
        for (const action of MANDATE_ACTIONS)
          expect(allowsAction(action, state, path), `${action} in ${state} (${path})`).toBe(
            mandateActions(state, path).includes(action),
          );
  });
});
