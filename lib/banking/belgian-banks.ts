import { isValidIban, normalizeIban } from './iban.js';

/**
 * Belgian bank identification codes: the three digits after `BE` and the check digits
 * (positions 5–7 of a BE IBAN) name the bank. Ranges from the National Bank of Belgium's
 * list "Bank identification codes" (https://www.nbb.be/en/payment-systems/payment-standards/bank-identification-codes,
 * `current_codes.xls`, version of 1 October 2022).
 *
 * Partial: the banks where companies keep current accounts. Codes of the NBB itself, clearing
 * houses, card acquirers, securities-only and consumer-credit institutions are left out and
 * read as 'Unknown bank'. KBC and CBC (the KBC group) are complete: they decide the bank-app
 * link path of the mandate journey.
 */
interface Bank {
  name: string;
  bic: string;
  kbcGroup?: boolean;
  codes: readonly (readonly [from: number, to: number])[];
}

export const BELGIAN_BANKS: readonly Bank[] = [
  {
    name: 'KBC Bank',
    bic: 'KREDBEBB',
    kbcGroup: true,
    codes: [
      [400, 499],
      [725, 727],
      [730, 731],
      [733, 741],
      [743, 749],
      [868, 868],
    ],
  },
  { name: 'KBC Bank Business Center Diamant', bic: 'ADIABE22', kbcGroup: true, codes: [[640, 640]] },
  {
    name: 'CBC Banque',
    bic: 'CREGBEBB',
    kbcGroup: true,
    codes: [
      [190, 199],
      [728, 729],
      [732, 732],
      [742, 742],
    ],
  },
  {
    name: 'BNP Paribas Fortis',
    bic: 'GEBABEBB',
    codes: [
      [1, 49],
      [137, 137],
      [140, 149],
      [200, 214],
      [220, 298],
    ],
  },
  {
    name: 'Belfius Bank',
    bic: 'GKCCBEBB',
    codes: [
      [50, 99],
      [550, 560],
      [562, 569],
      [624, 625],
      [638, 638],
      [657, 657],
      [672, 672],
      [680, 680],
      [682, 683],
      [775, 799],
      [830, 839],
    ],
  },
  {
    name: 'ING Belgium',
    bic: 'BBRUBEBB',
    codes: [
      [185, 185],
      [300, 399],
      [630, 631],
      [652, 652],
      [673, 673],
      [828, 828],
      [880, 881],
      [883, 884],
      [887, 888],
      [910, 910],
      [920, 920],
      [922, 923],
      [929, 931],
      [934, 934],
      [936, 936],
      [939, 939],
      [961, 961],
      [971, 971],
      [976, 976],
    ],
  },
  {
    name: 'Argenta',
    bic: 'ARSPBE22',
    codes: [
      [973, 973],
      [978, 980],
    ],
  },
  {
    name: 'Crelan',
    bic: 'NICABEBB',
    codes: [
      [103, 108],
      [850, 853],
      [859, 860],
      [862, 863],
      [865, 866],
    ],
  },
  {
    name: 'AXA Bank Belgium',
    bic: 'AXABBE22',
    codes: [
      [700, 709],
      [750, 774],
      [800, 816],
      [963, 963],
      [975, 975],
    ],
  },
  {
    name: 'Beobank',
    bic: 'CTBKBEBX',
    codes: [
      [109, 110],
      [113, 114],
      [119, 124],
      [127, 127],
      [129, 129],
      [131, 131],
      [133, 134],
      [595, 601],
      [950, 959],
    ],
  },
  { name: 'Keytrade Bank', bic: 'KEYTBEBB', codes: [[651, 651]] },
  { name: 'Triodos Bank', bic: 'TRIOBEBB', codes: [[523, 523]] },
  {
    name: 'bpost bank',
    bic: 'BPOTBEB1',
    codes: [
      [0, 0],
      [299, 299],
    ],
  },
  {
    name: 'bpost',
    bic: 'PCHQBEBB',
    codes: [
      [679, 679],
      [873, 873],
      [981, 984],
    ],
  },
  { name: 'vdk bank', bic: 'VDSPBE91', codes: [[890, 899]] },
  {
    name: 'Bank Nagelmackers',
    bic: 'BNAGBEBB',
    codes: [
      [132, 132],
      [634, 636],
      [646, 647],
      [871, 871],
      [877, 879],
    ],
  },
  { name: 'Bank J. Van Breda & C°', bic: 'JVBABE22', codes: [[645, 645]] },
  { name: 'Europabank', bic: 'EURBBE99', codes: [[671, 671]] },
  {
    name: 'Deutsche Bank',
    bic: 'DEUTBEBE',
    codes: [
      [610, 613],
      [694, 694],
      [825, 826],
    ],
  },
  {
    name: 'Bank Degroof Petercam',
    bic: 'DEGRBEBB',
    codes: [
      [676, 676],
      [845, 845],
    ],
  },
  { name: 'Delen Private Bank', bic: 'DELEBE22', codes: [[678, 678]] },
  {
    name: 'Puilaetco (Quintet Private Bank)',
    bic: 'PUILBEBB',
    codes: [
      [514, 514],
      [942, 942],
      [969, 969],
    ],
  },
  {
    name: 'Banque CPH',
    bic: 'CPHBBE75',
    codes: [
      [125, 126],
      [171, 171],
    ],
  },
  { name: 'Aion', bic: 'BMPBBEBB', codes: [[643, 643]] },
  { name: 'NewB', bic: 'NEECBEB2', codes: [[966, 966]] },
  { name: 'MeDirect Bank', bic: 'MBWMBEBB', codes: [[876, 876]] },
  { name: 'Wise Europe', bic: 'TRWIBEB1', codes: [[967, 967]] },
  { name: 'HSBC Continental Europe Belgium', bic: 'HSBCBEBB', codes: [[949, 949]] },
];

/** Bank code (0–999) → bank; built once, a code listed twice is a mistake in the table. */
const BY_CODE = new Map<number, Bank>();
for (const bank of BELGIAN_BANKS) {
  for (const [from, to] of bank.codes) {
    for (let code = from; code <= to; code++) {
      if (BY_CODE.has(code)) throw new Error(`bank code ${code} is listed twice`);
      BY_CODE.set(code, bank);
    }
  }
}

export interface BankInfo {
  /** BE: the three-digit bank identification code; elsewhere the country and the first four BBAN characters. */
  bankCode: string;
  bankName: string;
  bic?: string;
  /** KBC or CBC: the mandate is linked in the bank app instead of signed. */
  isKbcGroup: boolean;
}

export const UNKNOWN_BANK = 'Unknown bank';

/** The bank of a valid IBAN (spaces and case do not matter). Only Belgian banks are known. */
export function bankForIban(raw: string): BankInfo {
  const iban = normalizeIban(raw);
  if (!isValidIban(iban)) throw new RangeError('not a valid IBAN');
  if (!iban.startsWith('BE'))
    return { bankCode: iban.slice(0, 2) + iban.slice(4, 8), bankName: UNKNOWN_BANK, isKbcGroup: false };
  const bankCode = iban.slice(4, 7);
  const bank = BY_CODE.get(Number(bankCode));
  if (!bank) return { bankCode, bankName: UNKNOWN_BANK, isKbcGroup: false };
  return { bankCode, bankName: bank.name, bic: bank.bic, isKbcGroup: bank.kbcGroup === true };
}
