import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadEmailEnv } from '../../lib/email/env.js';
import { ResendSender } from '../../activities/email/resend-sender.js';
import { EmailDeliveryError, OutboxSender, type OutgoingMessage } from '../../activities/email/sender.js';
import { createEmailSender } from '../../activities/email/transport.js';
import { rateLimited, serverError, startFakeResend, validationError, type FakeResend } from './fake-resend.js';

let fake: FakeResend;
let sender: ResendSender;
const FROM = 'Bankfeed <no-reply@bankfeed.example>';
const message: OutgoingMessage = {
  to: 'owner@example.be',
  subject: 'Uw bankkoppeling verloopt over 15 dagen',
  html: '<p>Hallo</p>',
  text: 'Hallo',
};

beforeAll(async () => {
  fake = await startFakeResend();
  sender = new ResendSender({ apiKey: fake.apiKey, from: FROM, baseUrl: fake.url });
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await fake?.close();
});

async function deliveryError(promise: Promise<unknown>): Promise<EmailDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EmailDeliveryError);
  return error as EmailDeliveryError;
}

describe('ResendSender: the real resend SDK against a local fake of the API', () => {
  it('posts the message with the API key and the Idempotency-Key, and returns the provider id', async () => {
    const receipt = await sender.send(message, 'connection:c1/2027-03-01T00:00:00.000Z/reminder/15');
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/emails',
      idempotencyKey: 'connection:c1/2027-03-01T00:00:00.000Z/reminder/15',
    });
    expect(request!.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.body).toMatchObject({
      from: FROM,
      to: 'owner@example.be',
      subject: message.subject,
      html: message.html,
      text: message.text,
    });
    expect(receipt).toEqual({ providerMessageId: fake.messages[0]!.id });
  });

  it('429: retryable, with the Retry-After delay', async () => {
    fake.script(rateLimited(2));
    const error = await deliveryError(sender.send(message, 'k-429'));
    expect(error.details).toEqual({
      retryable: true,
      statusCode: 429,
      code: 'rate_limit_exceeded',
      retryAfterMs: 2000,
    });
    expect(fake.messages).toHaveLength(0);
  });

  it('500: retryable', async () => {
    fake.script(serverError());
    const error = await deliveryError(sender.send(message, 'k-500'));
    expect(error.details).toMatchObject({ retryable: true, statusCode: 500, code: 'internal_server_error' });
  });

  it('422 validation error: not retryable, and the reason carries no address', async () => {
    fake.script(
      validationError('Invalid `to` field: owner@example.be is not a valid address. See https://resend.com/docs'),
    );
    const error = await deliveryError(sender.send(message, 'k-422'));
    expect(error.details).toMatchObject({ retryable: false, statusCode: 422, code: 'validation_error' });
    expect(error.message).toBe('validation_error: Invalid `to` field: [address] is not a valid address. See [link]');
  });

  it('no answer at all (connection refused): retryable', async () => {
    const gone = await startFakeResend();
    await gone.close();
    const error = await deliveryError(
      new ResendSender({ apiKey: gone.apiKey, from: FROM, baseUrl: gone.url }).send(message, 'k-net'),
    );
    expect(error.details).toMatchObject({ retryable: true, statusCode: null });
  });

  it('the fake keeps Resend’s idempotency: same key and body → same id, no new message; another body → 409', async () => {
    const first = await sender.send(message, 'k-same');
    const again = await sender.send(message, 'k-same');
    expect(again).toEqual(first);
    expect(fake.messages).toHaveLength(1);
    const error = await deliveryError(sender.send({ ...message, subject: 'changed' }, 'k-same'));
    expect(error.details).toMatchObject({ retryable: false, statusCode: 409, code: 'invalid_idempotent_request' });
  });
});

describe('createEmailSender: the transport follows the environment', () => {
  it('RESEND_API_KEY and RESEND_BASE_URL → Resend at that URL, with EMAIL_FROM', async () => {
    const email = createEmailSender(
      loadEmailEnv({
        RESEND_API_KEY: fake.apiKey,
        RESEND_BASE_URL: fake.url,
        EMAIL_FROM: 'Office <mail@office.example>',
      }),
    );
    expect(email.transport).toBe('resend');
    await email.send(message, 'k-env');
    expect(fake.requests[0]!.body.from).toBe('Office <mail@office.example>');
  });

  it('the SDK itself reads RESEND_BASE_URL when the client is constructed, not at import', async () => {
    const saved = process.env.RESEND_BASE_URL;
    process.env.RESEND_BASE_URL = fake.url;
    try {
      await new ResendSender({ apiKey: fake.apiKey, from: FROM }).send(message, 'k-sdk-env');
    } finally {
      if (saved === undefined) delete process.env.RESEND_BASE_URL;
      else process.env.RESEND_BASE_URL = saved;
    }
    expect(fake.requests.map((r) => r.idempotencyKey)).toEqual(['k-sdk-env']);
  });

  it('no RESEND_API_KEY → the development outbox; a malformed key or sender is refused at boot', () => {
    expect(createEmailSender(loadEmailEnv({}))).toBeInstanceOf(OutboxSender);
    expect(() => loadEmailEnv({ RESEND_API_KEY: 'sk_live_wrong' })).toThrow(/^Invalid environment: RESEND_API_KEY: /);
    expect(() => loadEmailEnv({ EMAIL_FROM: 'not an address' })).toThrow(/^Invalid environment: EMAIL_FROM: /);
    expect(() => loadEmailEnv({ NODE_ENV: 'production', RESEND_API_KEY: 're_live' })).toThrow(
      /^Invalid environment: LINK_SIGNING_SECRET: is required when NODE_ENV=production/,
    );
  });
});
