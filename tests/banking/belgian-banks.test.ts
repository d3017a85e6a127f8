import { describe, expect, it } from 'vitest';
import { BELGIAN_BANKS, bankForIban } from '../../lib/banking/belgian-banks.js';
import { isValidIban } from '../../lib/banking/iban.js';

// Every IBAN below carries valid national and IBAN check digits.
describe('bankForIban', () => {
  it.each([
    ['BE57 4010 0023 4535', '401'],
    ['BE09 7341 2345 6757', '734'],
    ['BE30 7455 0000 0111', '745'],
    ['BE90 7254 2424 2032', '725'],
    ['BE20 8681 2345 6756', '868'],
  ])('recognises KBC: %s', (iban, bankCode) => {
    expect(isValidIban(iban)).toBe(true);
    expect(bankForIban(iban)).toEqual({ bankCode, bankName: 'KBC Bank', bic: 'KREDBEBB', isKbcGroup: true });
  });

  it.each([
    ['BE71 1931 2345 6769', '193'],
    ['BE96 7327 6543 2105', '732'],
    ['BE30 7421 1111 1111', '742'],
    ['BE78 7281 2345 6786', '728'],
  ])('recognises CBC: %s', (iban, bankCode) => {
    expect(isValidIban(iban)).toBe(true);
    expect(bankForIban(iban)).toEqual({ bankCode, bankName: 'CBC Banque', bic: 'CREGBEBB', isKbcGroup: true });
  });

  it.each([
    ['BE48 0011 2345 6727', 'BNP Paribas Fortis', 'GEBABEBB'],
    ['BE53 0689 9999 5053', 'Belfius Bank', 'GKCCBEBB'],
    ['BE35 3101 2345 6737', 'ING Belgium', 'BBRUBEBB'],
    ['BE25 9731 2345 6782', 'Argenta', 'ARSPBE22'],
    ['BE39 1031 2345 6719', 'Crelan', 'NICABEBB'],
    ['BE29 7512 3456 7864', 'AXA Bank Belgium', 'AXABBE22'],
    ['BE84 9511 2345 6759', 'Beobank', 'CTBKBEBX'],
    ['BE42 6511 2345 6754', 'Keytrade Bank', 'KEYTBEBB'],
    ['BE59 5231 2345 6726', 'Triodos Bank', 'TRIOBEBB'],
    ['BE11 0001 2345 6748', 'bpost bank', 'BPOTBEB1'],
    ['BE31 6792 0000 0155', 'bpost', 'PCHQBEBB'],
  ])('recognises the other banks: %s → %s', (iban, bankName, bic) => {
    expect(isValidIban(iban)).toBe(true);
    expect(bankForIban(iban)).toMatchObject({ bankName, bic, isKbcGroup: false });
  });

  it('answers Unknown bank for a code not in the table', () => {
    expect(bankForIban('BE68539007547034')).toEqual({ bankCode: '539', bankName: 'Unknown bank', isKbcGroup: false });
  });

  it('gives a foreign IBAN its country and first BBAN characters as bank code', () => {
    expect(bankForIban('nl91 abna 0417 1643 00')).toEqual({
      bankCode: 'NLABNA',
      bankName: 'Unknown bank',
      isKbcGroup: false,
    });
    expect(bankForIban('DE89370400440532013000')).toEqual({
      bankCode: 'DE3704',
      bankName: 'Unknown bank',
      isKbcGroup: false,
    });
  });

  it('refuses an IBAN whose check digits do not match', () => {
    expect(() => bankForIban('BE58 4010 0023 4535')).toThrow(RangeError);
  });

  it('lists every code once, within 000–999', () => {
    const codes = BELGIAN_BANKS.flatMap((bank) =>
      bank.codes.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i)),
    );
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((code) => code >= 0 && code <= 999)).toBe(true);
  });
});
