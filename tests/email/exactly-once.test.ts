import { Writable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ResendSender } from '../../activities/email/resend-sender.js';
import { createSendEmail, type SendEmailRequest } from '../../activities/email/send-email.js';
import { OutboxSender, type EmailSender } from '../../activities/email/sender.js';
import { SAMPLE_LINKS, SAMPLES } from '../../lib/email/templates/samples.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { rateLimited, serverError, startFakeResend, validationError, type FakeResend } from './fake-resend.js';

let db: TestDatabase;
let fake: FakeResend;
let resend: ResendSender;
let logs = '';
// The real logger configuration is not the point here: capture whatever sendEmail logs, unredacted.
const logger = pino(
  { level: 'debug' },
  new Writable({ write: (chunk, _enc, done) => ((logs += String(chunk)), done()) }),
);

const ADDRESS = 'cardholder@example.be';
const invitation = (idempotencyKey: string, to: string | null = ADDRESS): SendEmailRequest<'caro.invitation'> => ({
  template: 'caro.invitation',
  vars: SAMPLES['caro.invitation'][0]!.vars,
  to,
  language: 'nl',
  idempotencyKey,
  case: { type: 'caro', id: 'caro-1' },
});
const sendWith = (email: EmailSender) => createSendEmail({ prisma: db.prisma, logger, email });
const row = (idempotencyKey: string) => db.prisma.emailOutbox.findUniqueOrThrow({ where: { idempotencyKey } });

async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

/** A process that dies right after the provider accepted: the send went out, nothing was recorded. */
class CrashAfterAccepted implements EmailSender {
  readonly transport = 'resend' as const;
  crashes = 1;
  constructor(private readonly inner: EmailSender) {}
  async send(...args: Parameters<EmailSender['send']>) {
    const receipt = await this.inner.send(...args);
    if (this.crashes-- > 0) throw new Error('worker lost before recording the send');
    return receipt;
  }
}

beforeAll(async () => {
  [db, fake] = await Promise.all([createTestDatabase(), startFakeResend()]);
  resend = new ResendSender({ apiKey: fake.apiKey, from: 'Bankfeed <no-reply@bankfeed.example>', baseUrl: fake.url });
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await fake?.close();
  await db?.stop();
});

describe('sendEmail: exactly once per idempotency key', () => {
  it('sends once, records the provider id, and a repeat with the same key sends nothing', async () => {
    const sendEmail = sendWith(resend);
    const first = await sendEmail(invitation('caro:caro-1/invitation'));
    expect(fake.messages).toHaveLength(1);
    expect(first).toEqual({ status: 'sent', providerMessageId: fake.messages[0]!.id, duplicate: false });
    expect(fake.requests[0]!.idempotencyKey).toBe('caro:caro-1/invitation');
    expect(fake.requests[0]!.body).toMatchObject({
      to: ADDRESS,
      subject: 'Activeer de levering van uw kredietkaartafschriften aan Fiduciaire Dupont',
    });
    expect(fake.requests[0]!.body.html).toContain(SAMPLE_LINKS.activation);
    expect(await row('caro:caro-1/invitation')).toMatchObject({
      status: 'sent',
      providerMessageId: fake.messages[0]!.id,
      toAddress: ADDRESS,
      language: 'nl',
      caseType: 'caro',
      caseId: 'caro-1',
    });

    const again = await sendEmail(invitation('caro:caro-1/invitation'));
    expect(again).toEqual({ ...first, duplicate: true });
    expect(fake.requests).toHaveLength(1);
    expect(await db.prisma.emailOutbox.count({ where: { idempotencyKey: 'caro:caro-1/invitation' } })).toBe(1);
  });

  it('provider accepted, the answer was lost (connection dropped): the retry gets the same message, nothing new', async () => {
    const sendEmail = sendWith(resend);
    fake.script('accept-then-drop');
    const lost = await failure(sendEmail(invitation('caro:caro-1/reminder/1')));
    expect(lost).toMatchObject({ type: 'EmailDeliveryFailed', nonRetryable: false });
    expect(await row('caro:caro-1/reminder/1')).toMatchObject({ status: 'failed', providerMessageId: null });

    const retried = await sendEmail(invitation('caro:caro-1/reminder/1'));
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.idempotencyKey).toBe(fake.requests[0]!.idempotencyKey);
    expect(fake.requests[1]!.body).toEqual(fake.requests[0]!.body);
    expect(fake.messages).toHaveLength(1);
    expect(retried).toEqual({ status: 'sent', providerMessageId: fake.messages[0]!.id, duplicate: false });
    expect(await row('caro:caro-1/reminder/1')).toMatchObject({
      status: 'sent',
      providerMessageId: fake.messages[0]!.id,
      error: null,
    });
  });

  it('the worker dies after the provider accepted, before recording: the retry sends the stored body, nothing new', async () => {
    const crashing = new CrashAfterAccepted(resend);
    const sendEmail = sendWith(crashing);
    await failure(sendEmail(invitation('caro:caro-1/reminder/2')));
    // Even if the template or the data changed meanwhile, the retry re-sends the recorded message.
    const retried = await sendEmail({
      ...invitation('caro:caro-1/reminder/2'),
      vars: { ...invitation('x').vars, officeName: 'Another office' },
    });
    expect(fake.messages).toHaveLength(1);
    expect(fake.requests.map((r) => r.idempotencyKey)).toEqual(['caro:caro-1/reminder/2', 'caro:caro-1/reminder/2']);
    expect(fake.requests[1]!.body).toEqual(fake.requests[0]!.body);
    expect(retried).toMatchObject({ status: 'sent', providerMessageId: fake.messages[0]!.id });
  });

  it('429 and 500 are retryable (Retry-After becomes the next retry delay), then it goes out once', async () => {
    const sendEmail = sendWith(resend);
    fake.script(rateLimited(7), serverError());
    const throttled = await failure(sendEmail(invitation('caro:caro-1/reminder/3')));
    expect(throttled).toMatchObject({ type: 'EmailDeliveryFailed', nonRetryable: false, nextRetryDelay: 7000 });
    expect(await row('caro:caro-1/reminder/3')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^rate_limit_exceeded/),
    });
    const down = await failure(sendEmail(invitation('caro:caro-1/reminder/3')));
    expect(down).toMatchObject({ type: 'EmailDeliveryFailed', nonRetryable: false });
    await sendEmail(invitation('caro:caro-1/reminder/3'));
    expect(fake.requests).toHaveLength(3);
    expect(fake.messages).toHaveLength(1);
    expect(await row('caro:caro-1/reminder/3')).toMatchObject({ status: 'sent', error: null });
  });

  it('422: recorded as rejected with the reason, non-retryable EmailRejected, and never sent again', async () => {
    const sendEmail = sendWith(resend);
    fake.script(validationError(`The \`to\` address ${ADDRESS} is invalid.`));
    const refused = await failure(sendEmail(invitation('caro:caro-2/invitation')));
    expect(refused).toMatchObject({
      type: 'EmailRejected',
      nonRetryable: true,
      message: 'e-mail rejected: validation_error: The `to` address [address] is invalid.',
    });
    expect(await row('caro:caro-2/invitation')).toMatchObject({
      status: 'rejected',
      error: 'validation_error: The `to` address [address] is invalid.',
    });
    const replayed = await failure(sendEmail(invitation('caro:caro-2/invitation')));
    expect(replayed).toMatchObject({ type: 'EmailRejected', nonRetryable: true });
    expect(fake.requests).toHaveLength(1);
  });

  it('no address: recorded on the case as missing_recipient, returned, never thrown, nothing sent', async () => {
    const sendEmail = sendWith(resend);
    for (const to of [null, '  ']) {
      const key = `caro:caro-3/invitation/${to === null ? 'null' : 'blank'}`;
      expect(await sendEmail(invitation(key, to))).toEqual({ status: 'missing_recipient' });
      expect(await sendEmail(invitation(key, to))).toEqual({ status: 'missing_recipient' });
      expect(await row(key)).toMatchObject({ status: 'rejected', error: 'missing_recipient', toAddress: null });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('development outbox: the row is the delivery, once per key', async () => {
    const sendEmail = sendWith(new OutboxSender());
    expect(await sendEmail(invitation('caro:caro-4/invitation'))).toEqual({
      status: 'sent',
      providerMessageId: null,
      duplicate: false,
    });
    expect(await sendEmail(invitation('caro:caro-4/invitation'))).toEqual({
      status: 'sent',
      providerMessageId: null,
      duplicate: true,
    });
    expect(await db.prisma.emailOutbox.findMany({ where: { idempotencyKey: 'caro:caro-4/invitation' } })).toEqual([
      expect.objectContaining({
        status: 'sent',
        toAddress: ADDRESS,
        html: expect.stringContaining(SAMPLE_LINKS.activation),
      }),
    ]);
  });

  it('logs ids only: never the address, the link or its token', () => {
    expect(logs).toContain('"idempotencyKey":"caro:caro-1/invitation"');
    expect(logs).not.toContain('@example.be');
    expect(logs).not.toContain('http');
    expect(logs).not.toContain(SAMPLE_LINKS.activation.split('/l/')[1]!);
  });
});
