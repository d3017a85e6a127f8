import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_PROVIDERS } from '../../api/webhooks/providers.js';
import { containsCardNumber, findCardNumber } from '../../lib/card-data.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

// Card numbers are screened on what is parsed (lib/card-data.ts): every string, key and integer
// of every webhook and API body. Disguised ones are refused; digit strings that are not card
// numbers (timestamps, ids, IBANs, enterprise and phone numbers) pass.

/** Luhn written again here, so the generator does not lean on the code under test. */
const checkDigit = (body: string): string => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
};

/**
 * Prefixes and lengths real schemes issue: Visa, Mastercard, Amex, Discover, Bancontact, JCB, Diners, UnionPay,
 * Maestro, Mir.
 */
const SCHEMES: [string, number[]][] = [
  ['4', [13, 16, 19]],
  ['51', [16]],
  ['55', [16]],
  ['2221', [16]],
  ['2720', [16]],
  ['34', [15]],
  ['37', [15]],
  ['6011', [16, 19]],
  ['65', [16]],
  ['6703', [16, 17, 19]],
  ['3528', [16]],
  ['36', [14]],
  ['62', [16, 19]],
  ['50', [13, 18]],
  ['2200', [16]],
];

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const cardNumber = fc
  .tuple(fc.constantFrom(...SCHEMES), fc.array(digit, { minLength: 19, maxLength: 19 }), fc.nat())
  .map(([[prefix, lengths], random, pick]) => {
    const length = lengths[pick % lengths.length]!;
    const body = prefix + random.join('').slice(0, length - prefix.length - 1);
    return body + checkDigit(body);
  });

/** How a person (or a form) may write it: grouped as printed, with any separator, in any digits. */
const SEPARATORS = ['', ' ', '  ', '.', '-', '/', '_', ' - ', ', ', '\u00a0', '\u200b', '\t', ':', '*', '|', '—'];
const SCRIPTS = [0x30, 0xff10 /* fullwidth */, 0x660 /* Arabic-Indic */, 0x966 /* Devanagari */];
const written = fc
  .tuple(cardNumber, fc.constantFrom(...SEPARATORS), fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.nat())
  .map(([digits, separator, size, amexStyle, script]) => {
    const sizes =
      amexStyle && (digits.length === 15 || digits.length === 14)
        ? [4, 6, digits.length - 10]
        : Array.from({ length: Math.ceil(digits.length / size) }, () => size);
    const groups: string[] = [];
    let at = 0;
    for (const s of sizes) groups.push(digits.slice(at, (at += s)));
    const zero = SCRIPTS[script % SCRIPTS.length]!;
    return {
      digits,
      text: [...groups.join(separator)]
        .map((c) => (/\d/.test(c) ? String.fromCodePoint(zero + Number(c)) : c))
        .join(''),
    };
  });

/** Text around it that does not change the number: no digit right next to it. */
const before = fc.string({ maxLength: 20 }).filter((s) => !/\d$/.test(s));
const after = fc.string({ maxLength: 20 }).filter((s) => !/^\d/.test(s));
const inText = fc.tuple(before, written, after).map(([a, card, b]) => ({ ...card, text: `${a}${card.text}${b}` }));

/** Somewhere in a body: a value or a key, under objects and arrays. */
const placed = fc
  .tuple(inText, fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.nat(3)), { maxLength: 4 }), fc.boolean())
  .map(([card, path, asKey]) => {
    let body: unknown = asKey ? { [card.text]: 'x' } : card.text;
    for (const step of path.reverse())
      body = typeof step === 'number' ? [...Array<string>(step).fill('ok'), body] : { [step || 'k']: body };
    return { ...card, body: { eventId: 'evt-1', data: body } };
  });

/** As a JSON text, with some of its digits written as `\u00XX` escapes. */
const escapedJson = (body: unknown, mask: boolean[]) => {
  let i = 0;
  return JSON.stringify(body).replace(/\d/g, (d) =>
    mask[i++ % mask.length] ? `\\u${d.charCodeAt(0).toString(16).padStart(4, '0')}` : d,
  );
};

// Not card numbers: what legitimate bodies carry.
const mod97 = (digits: string) => [...digits].reduce((r, d) => (r * 10 + Number(d)) % 97, 0);
const belgianIban = fc.array(digit, { minLength: 10, maxLength: 10 }).map((d) => {
  const bban = d.join('') + String(mod97(d.join('')) || 97).padStart(2, '0');
  const check = String(98 - mod97(`${bban}111400`)).padStart(2, '0');
  return `BE${check}${bban}`;
});
const enterpriseNumber = fc.integer({ min: 2_000_000, max: 19_999_999 }).map((n) => {
  const base = String(n).padStart(8, '0');
  const digits = base + String(97 - (Number(base) % 97)).padStart(2, '0');
  return `${digits.slice(0, 4)}.${digits.slice(4, 7)}.${digits.slice(7)}`;
});
const phoneNumber = fc
  .array(fc.integer({ min: 10, max: 99 }), { minLength: 4, maxLength: 4 })
  .chain((p) => fc.constantFrom(`+32 4${p[0]} ${p[1]} ${p[2]} ${p[3]}`, `04${p[0]}/${p[1]}.${p[2]}.${p[3]}`));
const timestampId = fc
  .tuple(
    fc.constantFrom('evt', 'KBC-REF', 'ord', 'msg_', 'REF', 'batch'),
    fc.oneof(fc.integer({ min: 1_000_000_000, max: 1_999_999_999 }), fc.integer({ min: 1e12, max: 1.99e12 })),
    fc.integer({ min: 0, max: 99_999 }),
    fc.constantFrom('-', '_', ':', '.'),
  )
  .map(([prefix, time, counter, sep]) => `${prefix}${sep}${time}${sep}${counter}`);
const isoInstant = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) })
  .map((t) => new Date(t).toISOString());
const innocent = fc.oneof(
  belgianIban,
  belgianIban.map((iban) => iban.replace(/(.{4})/g, '$1 ').trim()),
  enterpriseNumber,
  enterpriseNumber.map((n) => `BE ${n}`),
  phoneNumber,
  timestampId,
  isoInstant,
  fc.uuid(),
);
const sentence = fc
  .array(innocent, { minLength: 1, maxLength: 5 })
  .chain((parts) => fc.constantFrom(parts.join(', '), parts.join(' / '), parts.join('; ')));

describe('the card-number detector', () => {
  it('finds a card number however it is written, wherever it is in the body', () => {
    fc.assert(
      fc.property(placed, ({ body }) => {
        expect(findCardNumber(body)).toBeDefined();
      }),
      { numRuns: 2_000 },
    );
  });

  it('finds it through JSON escapes, once parsed', () => {
    fc.assert(
      fc.property(placed, fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), ({ body }, mask) => {
        expect(containsCardNumber(JSON.parse(escapedJson(body, mask)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('finds a card number sent as a JSON number', () => {
    expect(findCardNumber({ data: { pan: 378282246310005 } })).toEqual(['data', 'pan']);
    expect(findCardNumber({ data: [1, 2, 4111111111111111] })).toEqual(['data', 2]);
  });

  it('lets timestamps, ids, IBANs, enterprise and phone numbers through, alone or in a sentence', () => {
    fc.assert(
      fc.property(fc.oneof(innocent, sentence), (text) => {
        expect(containsCardNumber({ [text]: text, list: [text] }), text).toBe(false);
      }),
      { numRuns: 5_000 },
    );
  });

  it.each([
    'evt-1796152376-22919',
    'KBC-REF-1796151988-26601',
    'BE68539007547034',
    'BE68 5390 0754 7034',
    '0123.456.749',
    'BE 0123.456.749',
    '+32 470 12 34 56',
    '+32 470 12 34 56 0123.456.749',
    '2026-11-24T03:32:49.123Z',
    '01234567-8901-4234-8567-890123456789',
    '4111 1111 1111 111',
    '41111111111111111111',
  ])('%s is no card number', (text) => {
    expect(containsCardNumber(text)).toBe(false);
  });
});

let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeId: string;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  officeId = (
    await stack.http('POST', '/v1/offices', { name: 'Card Office', language: 'fr', contactEmail: 'card@example.be' })
  ).body.id;
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

/** Every trace a request could leave: stored payloads, audit, cases, idempotency answers. */
async function traces(digits: string): Promise<number> {
  const [row] = await stack.db.prisma.$queryRaw<{ n: number }[]>`
    SELECT ((SELECT count(*) FROM webhook_events WHERE payload::text LIKE ${`%${digits}%`})
      + (SELECT count(*) FROM audit_events WHERE row_to_json(audit_events)::text LIKE ${`%${digits}%`})
      + (SELECT count(*) FROM clients WHERE row_to_json(clients)::text LIKE ${`%${digits}%`})
      + (SELECT count(*) FROM caro_orders WHERE row_to_json(caro_orders)::text LIKE ${`%${digits}%`})
      + (SELECT count(*) FROM idempotency_records WHERE row_to_json(idempotency_records)::text LIKE ${`%${digits}%`}))::int AS n`;
  return row!.n;
}

describe('webhooks', () => {
  it.each(WEBHOOK_PROVIDERS)(
    '%s: an event id carrying a JSON-escaped card number is refused with 400 card_data_refused, nothing stored',
    async (provider) => {
      const escaped = [...'4111111111111111'].map((d) => `\\u00${d.charCodeAt(0).toString(16)}`).join('');
      const eventId = `evt-probe-${randomUUID()}`;
      const raw = `{"eventId":"${eventId}${escaped}","type":"x","occurredAt":"2026-11-24T10:00:00Z","data":{}}`;
      const res = await stack.webhook(provider, raw);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'card_data_refused', errors: [{ in: 'body', path: 'eventId' }] });
      expect(JSON.stringify(res.body)).not.toContain('4111');
      expect(await stack.db.prisma.webhookEvent.count({ where: { eventId: { startsWith: eventId } } })).toBe(0);
      expect(await traces('4111111111111111')).toBe(0);
    },
  );

  it('refuses a card number in any disguise in any provider’s event, and keeps nothing of it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WEBHOOK_PROVIDERS),
        placed,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
        async (provider, { body, digits }, mask) => {
          const res = await stack.webhook(provider, escapedJson(body, mask));
          expect(res.status).toBe(400);
          expect(res.body.code).toBe('card_data_refused');
          expect(await traces(digits)).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('takes an event whose id carries a timestamp (it is not refused as card data)', async () => {
    const res = await stack.webhook('caro', {
      eventId: 'evt-1796152376-22919',
      type: 'caro.activated',
      occurredAt: '2026-11-24T10:00:00Z',
      data: { orderId: randomUUID() },
    });
    // An unknown order: the event got past the screen and was looked at.
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unknown_caro_order');
  });
});

describe('API bodies', () => {
  const newClient = async () =>
    (
      await stack.http('POST', '/v1/clients', {
        officeId,
        companyName: 'Card SRL',
        clientCode: `C-${randomUUID()}`,
        language: 'fr',
      })
    ).body.id as string;
  const caroOrder = async (clientReference: string) => {
    const clientId = await newClient();
    const account = await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban: 'BE68 5390 0754 7034' });
    return {
      orders: [
        {
          clientId,
          bankAccountId: account.body.id,
          clientReference,
          cardholderEmail: 'holder@example.be',
          cardholderLanguage: 'fr',
        },
      ],
    };
  };

  it('takes a client reference that carries a timestamp', async () => {
    const res = await stack.http('POST', '/v1/caro-orders', await caroOrder('KBC-REF-1796151988-26601'));
    expect(res.status).toBe(202);
    expect(res.body.data[0].clientReference).toBe('KBC-REF-1796151988-26601');
  });

  it('refuses a card number in any free-text field of any route, before anything is stored or audited', async () => {
    const clientId = await newClient();
    const bodies: [string, string, (text: string) => unknown | Promise<unknown>][] = [
      ['POST', '/v1/clients', (t) => ({ officeId, companyName: t, clientCode: `C-${randomUUID()}`, language: 'fr' })],
      ['PATCH', `/v1/clients/${clientId}`, (t) => ({ companyName: t })],
      ['POST', '/v1/caro-orders', (t) => caroOrder(t)],
      ['POST', '/v1/offices', (t) => ({ name: t, language: 'nl', contactEmail: 'x@example.be' })],
      ['POST', '/v1/api-keys', (t) => ({ name: t, role: 'support' })],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodies), inText, async ([method, path, build], { text, digits }) => {
        const res = await stack.http(method, path, await build(text), {
          headers: { 'idempotency-key': `card-${randomUUID()}` },
        });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'card_data_refused', errors: [{ in: 'body' }] });
        expect(await traces(digits)).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses one in a key, and names where (never what)', async () => {
    const res = await stack.http('PATCH', `/v1/clients/${await newClient()}`, {
      companyName: 'ok',
      nested: [{ '5500-0000-0000-0004': true }],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'card_data_refused', errors: [{ in: 'body', path: 'nested.0' }] });
    expect(JSON.stringify(res.body)).not.toContain('5500');
  });
});
