/**
 * Belgian enterprise number (KBO/BCE): 10 digits, the first 0 or 1, the last two
 * `97 - (first eight mod 97)`. Written `0123.456.749`, `BE0123456749` or `0123456749`.
 */

/** The 10 digits of a number written in one of the accepted forms; undefined for anything else. */
export function normalizeEnterpriseNumber(raw: string): string | undefined {
  const compact = raw.replace(/[\s.]/g, '').toUpperCase();
  const digits = compact.startsWith('BE') ? compact.slice(2) : compact;
  return /^\d{10}$/.test(digits) ? digits : undefined;
}

export function isValidEnterpriseNumber(raw: string): boolean {
  const digits = normalizeEnterpriseNumber(raw);
  if (digits === undefined || !/^[01]/.test(digits)) return false;
  return 97 - (Number(digits.slice(0, 8)) % 97) === Number(digits.slice(8));
}
