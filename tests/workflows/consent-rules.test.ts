import { describe, expect, it } from 'vitest';
import {
  allows,
  CONNECTION_STATUS_LIST,
  INVITATION_STATUSES,
  REPORTED_STATUSES,
  statusAfter,
  type ConnectionAction,
  type ConnectionStatus,
} from '../../workflows/consent-renewal/rules.js';

/**
 * Each action and the statuses it is allowed in (docs/domain.md#journey-3-consent-renewal: the action each status asks
 * for).
 */
const expected: Record<ConnectionAction, ConnectionStatus[]> = {
  remind_now: ['connected', 'expires_soon'],
  new_invitation: ['account_not_found', 'access_lost'],
  journal_created: ['journal_missing'],
  renew: ['connected', 'expires_soon', 'expired', 'no_authorised_iban'],
};

describe('connection status rules', () => {
  it.each(Object.entries(expected))('allows %s in exactly %j', (action, statuses) => {
    expect(CONNECTION_STATUS_LIST.filter((status) => allows(action as ConnectionAction, status))).toEqual(statuses);
  });

  it('sends no invitation for not_connected: it asks to complete the bank link', () => {
    expect(INVITATION_STATUSES).not.toContain('not_connected');
    expect(allows('new_invitation', 'not_connected')).toBe(false);
  });

  it('takes no deadline status from the aggregator', () => {
    expect(REPORTED_STATUSES).toEqual([
      'connected',
      'not_connected',
      'no_authorised_iban',
      'account_not_found',
      'access_lost',
      'journal_missing',
    ]);
  });

  it.each([
    ['expired', { kind: 'reported', status: 'access_lost' }, false, 'expired'],
    ['expires_soon', { kind: 'reported', status: 'connected' }, false, 'expires_soon'],
    ['journal_missing', { kind: 'reported', status: 'connected' }, false, 'connected'],
    ['expired', { kind: 'renewed', validUntil: '2027-01-01T00:00:00.000Z' }, true, 'expires_soon'],
    ['no_authorised_iban', { kind: 'renewed', validUntil: '2027-01-01T00:00:00.000Z' }, false, 'connected'],
    ['journal_missing', { kind: 'renewed', validUntil: '2027-01-01T00:00:00.000Z' }, false, 'journal_missing'],
    ['journal_missing', { kind: 'journal_created' }, true, 'expires_soon'],
    ['access_lost', { kind: 'journal_created' }, false, 'access_lost'],
    ['connected', { kind: 'reminded' }, true, 'expires_soon'],
    ['access_lost', { kind: 'reminded' }, true, 'access_lost'],
    ['journal_missing', { kind: 'expired' }, true, 'expired'],
  ] as const)('%s + %j (soon: %s) → %s', (current, change, soon, after) => {
    expect(statusAfter(current, change, soon)).toBe(after);
  });
});
