import { isValidIban } from './banking/iban.js';

/**
 * Card numbers (PANs) in what a client sent, screened on the parsed value: every string, every
 * key and every integer of a JSON body, however deep. JSON escapes (`\u0034\u0031…`) are already
 * decoded there, so they hide nothing.
 *
 * A card number is 13–19 digits, Luhn-valid, with a prefix and a length that a card scheme issues
 * (Visa 4…, Mastercard 51–55 and 2221–2720, Amex 34/37, Maestro, Bancontact, Discover, JCB, Diners,
 * UnionPay, Mir, …). The digits may be typed with any separators between them (spaces, dots,
 * dashes, slashes, underscores, invisible characters: up to three non-alphanumerics, the same
 * throughout the number, in groups as cards print them), anywhere inside a longer string, in any
 * script's digits. A letter ends a number: hex ids and words never join digits.
 *
 * Why the scheme prefix: any 13–19 digit run is Luhn-valid by chance one time in ten, so ids that
 * carry a Unix timestamp (`evt-1796152376-22919`, `KBC-REF-1796151988-26601`) would be refused one
 * time in ten. No card scheme issues numbers starting with 0, 1 (UATP airline cards aside, left out
 * on purpose: every 15-digit id starting with a timestamp would read as one), 7 or 9 (but Troy's
 * 9792), so timestamps (1…), enterprise numbers (0…) and phone numbers (0…, +32…, 11 digits) pass.
 * Valid IBANs and UUIDs are set aside before screening.
 */
export function containsCardNumber(value: unknown): boolean {
  return findCardNumber(value) !== undefined;
}

/** Where the first card number is: the path of the value holding it (for a key: of its object). */
export function findCardNumber(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value === 'string') return textHasCardNumber(value) ? path : undefined;
  // A JSON number: 378282246310005 is a card number too (a bigger one was already rounded by JSON.parse).
  if (typeof value === 'number')
    return Number.isInteger(value) && textHasCardNumber(BigInt(value).toString()) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findCardNumber(item, [...path, i]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (textHasCardNumber(key)) return path;
      const found = findCardNumber(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** An IBAN as typed (upper case, on its own): country, check digits, letters and digits, maybe in groups. */
const IBAN = /(?<![\p{L}\p{N}])([A-Z]{2})\d{2}(?:[ -]?[A-Z0-9]){11,30}/gu;
/** IBAN lengths of the SEPA countries: an IBAN is set aside only at its country's exact length. */
const IBAN_LENGTHS: Record<string, number> = Object.fromEntries(
  'AD24 AT20 BE16 BG22 CH21 CY28 CZ24 DE22 DK18 EE20 ES24 FI18 FR27 GB22 GI23 GR27 HR21 HU28 IE22 IS26 IT27 LI21 LT20 LU20 LV21 MC27 MT31 NL18 NO15 PL28 PT25 RO24 SE24 SI19 SK24 SM27 VA22'
    .split(' ')
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))]),
);
/** Digits (any script once NFKC-folded), each joined to the next by at most three non-alphanumerics. */
const DIGIT_CHAIN = /\p{Nd}(?:[^\p{L}\p{N}]{0,3}\p{Nd})*/gu;
const GROUP = /(\p{Nd}+)([^\p{L}\p{N}]*)/gu;

/** True when `text` holds a card number anywhere, in any of the disguises above. */
export function textHasCardNumber(text: string): boolean {
  const folded = text.normalize('NFKC').replace(UUID, '#').replace(IBAN, setAsideIban);
  for (const [chain] of folded.matchAll(DIGIT_CHAIN)) {
    const groups = [...chain.matchAll(GROUP)].map(([, digits, separator]) => ({
      digits: asciiDigits(digits!),
      separator: separator!.replace(/\s+/gu, ' '),
    }));
    if (hasCardWindow(groups)) return true;
  }
  return false;
}

/** A valid IBAN of its country's length, not run on by more letters or digits, becomes `#`; the rest stays. */
function setAsideIban(candidate: string, country: string): string {
  const length = IBAN_LENGTHS[country];
  if (length === undefined) return candidate;
  let end = 0;
  for (let kept = 0; end < candidate.length && kept < length; end++) if (/[A-Z0-9]/.test(candidate[end]!)) kept++;
  const rest = candidate.slice(end);
  return /^[A-Z0-9]/.test(rest) || !isValidIban(candidate.slice(0, end)) ? candidate : `#${rest}`;
}

/**
 * A card number is whole digit groups, joined by one and the same separator (whitespace runs
 * count as one space), grouped as cards are printed: groups of one size with a shorter last one
 * (4-4-4-4, 4-4-4-4-3, 1-1-1-…), or Amex/Diners' 4-6-5 and 4-6-4. So `4111 1111 1111 1111,
 * 2026-11-24` holds one though the digits run on, while a phone number next to an enterprise
 * number (`+32 470 12 34 56 0123.456.749`) does not make one. A plain run longer than 19 digits
 * is no card number.
 */
function hasCardWindow(groups: { digits: string; separator: string }[]): boolean {
  for (let start = 0; start < groups.length; start++) {
    let digits = '';
    const sizes: number[] = [];
    for (let end = start; end < groups.length && digits.length < 19; end++) {
      digits += groups[end]!.digits;
      sizes.push(groups[end]!.digits.length);
      if (digits.length >= 13 && printedLikeACard(sizes) && isCardNumber(digits)) return true;
      if (groups[end]!.separator !== groups[start]!.separator) break;
    }
  }
  return false;
}

function printedLikeACard(sizes: number[]): boolean {
  const [first, ...rest] = sizes;
  const last = rest.pop();
  if (last === undefined) return true;
  if (rest.every((size) => size === first) && last <= first!) return true;
  return sizes.join('-') === '4-6-5' || sizes.join('-') === '4-6-4';
}

/**
 * Digits of any script (Arabic-Indic, Devanagari, …) as ASCII: Unicode lays each script's digits out as blocks of ten.
 */
function asciiDigits(group: string): string {
  let out = '';
  for (const char of group) {
    const code = char.codePointAt(0)!;
    let first = code;
    while (first > 0 && /\p{Nd}/u.test(String.fromCodePoint(first - 1))) first--;
    out += String((code - first) % 10);
  }
  return out;
}

export function isCardNumber(digits: string): boolean {
  return /^\d{13,19}$/.test(digits) && schemeIssues(digits) && luhnValid(digits);
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Prefix ranges (compared on as many leading digits as the bounds have) and the lengths each issues. */
const SCHEMES: readonly { from: string; to: string; lengths: readonly number[] }[] = [
  { from: '2200', to: '2204', lengths: [16, 17, 18, 19] }, // Mir
  { from: '2221', to: '2720', lengths: [16] }, // Mastercard 2-series
  { from: '300', to: '305', lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { from: '34', to: '34', lengths: [15] }, // American Express
  { from: '36', to: '36', lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { from: '3528', to: '3589', lengths: [16, 17, 18, 19] }, // JCB
  { from: '37', to: '37', lengths: [15] }, // American Express
  { from: '38', to: '39', lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { from: '4', to: '4', lengths: [13, 16, 19] }, // Visa
  { from: '50', to: '50', lengths: [13, 14, 15, 16, 17, 18, 19] }, // Maestro, Dankort, Verve
  { from: '51', to: '55', lengths: [16] }, // Mastercard
  { from: '56', to: '69', lengths: [13, 14, 15, 16, 17, 18, 19] }, // Maestro, Bancontact, Discover, UnionPay, RuPay
  { from: '81', to: '82', lengths: [16, 17, 18, 19] }, // UnionPay, RuPay
  { from: '9792', to: '9792', lengths: [16] }, // Troy
];

function schemeIssues(digits: string): boolean {
  return SCHEMES.some(({ from, to, lengths }) => {
    const prefix = digits.slice(0, from.length);
    return prefix >= from && prefix <= to && lengths.includes(digits.length);
  });
}
