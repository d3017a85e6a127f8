import { describe, expect, it } from 'vitest';
import { isValidEnterpriseNumber, normalizeEnterpriseNumber } from '../../lib/banking/enterprise-number.js';

describe('Belgian enterprise number', () => {
  it.each(['0123.456.749', 'BE0123456749', '0123456749', 'be 0123 456 749'])('normalises %s to ten digits', (raw) => {
    expect(normalizeEnterpriseNumber(raw)).toBe('0123456749');
  });

  it.each(['0403.227.515', '0462.920.226', 'BE0123456749', '1000.000.021'])('accepts %s', (raw) => {
    expect(isValidEnterpriseNumber(raw)).toBe(true);
  });

  it.each([
    ['wrong check digits', '0123.456.748'],
    ['a first digit other than 0 or 1', '2123.456.749'],
    ['nine digits', '123.456.749'],
    ['letters', '0123.456.74A'],
    ['another country', 'NL0123456749'],
    ['empty', ''],
  ])('refuses %s', (_what, raw) => {
    expect(isValidEnterpriseNumber(raw)).toBe(false);
  });

  it('wants check digits 97, never 00, when the first eight digits are a multiple of 97', () => {
    expect(isValidEnterpriseNumber('0000.009.797')).toBe(true);
    expect(isValidEnterpriseNumber('0000.009.700')).toBe(false);
  });
});
