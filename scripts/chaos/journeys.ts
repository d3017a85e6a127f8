/**
 * The journeys the harness drives through the public API and the development sandbox, the way an
 * office and the providers would: order, wait for the first e-mail, report the provider's events
 * (each with a fixed event id, so a retried delivery is a duplicate), wait for the final state.
 * Some journeys are left idle on purpose when the schedule is short enough for their reminders.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { pick, text, type Answer, type ApiClient } from './api.js';

export type JourneyKind = 'mandate' | 'caro' | 'connection';
export const JOURNEY_KINDS: JourneyKind[] = ['mandate', 'caro', 'connection'];

export interface Journey {
  kind: JourneyKind;
  n: number;
  /** Left alone after the invitation, to receive the reminders (only when the schedule allows it). */
  idle: boolean;
  /** Connections: renewed once before the first deadline. */
  renew: boolean;
  id?: string;
  /** The answer the journey should end in. */
  expectedStatus: string;
  status?: string;
  /** The connection deadline it ends with, and the one it was renewed from (ISO). */
  validUntil?: string;
  renewedFrom?: string;
  /** When the renewal was acknowledged by the webhook. */
  renewedAt?: number;
  /** When the client's signature or the cardholder's activation was acknowledged (journeys that are not idle). */
  actedAt?: number;
  outcome: 'pending' | 'done' | 'failed';
  error?: string;
  /** Fallbacks taken (an Idempotency-Key reservation left by a killed API, ...). */
  notes: string[];
  setup: { officeId?: string; clientId?: string; accountId?: string };
}

export interface DriveOptions {
  api: ApiClient;
  tag: string;
  /** Connections: first deadline, seconds from their start. */
  deadlineSeconds: number;
  log: (line: string) => void;
  active: () => boolean;
}

const OTHER_BANK_IBAN = 'BE68 5390 0754 7034';

class JourneyError extends Error {}

const problem = (answer: Answer) => `${answer.status} ${text(answer.body, 'code') ?? ''}`.trim();

/** The id of what a 201/202 answer created. */
function createdId(what: string, answer: Answer, ...path: (string | number)[]): string {
  const id = text(answer.body, ...path);
  if (![201, 202].includes(answer.status) || !id) throw new JourneyError(`${what}: ${problem(answer)}`);
  return id;
}

/** Offices, clients and accounts: made before the faults start, so a journey is about its workflow. */
export async function setUpJourney(j: Journey, { api, tag }: DriveOptions): Promise<void> {
  const key = (step: string) => `chaos-${tag}-${j.kind}-${j.n}-${step}`;
  const officeId = createdId(
    'office',
    await api.call(
      'POST',
      '/v1/offices',
      { name: `Chaos ${tag} ${j.kind} ${j.n}`, language: 'nl', contactEmail: `office-${j.kind}-${j.n}@example.be` },
      { idempotencyKey: key('office') },
    ),
    'id',
  );
  j.setup.officeId = officeId;
  if (j.kind === 'connection') return;
  const clientId = createdId(
    'client',
    await api.call(
      'POST',
      '/v1/clients',
      {
        officeId,
        companyName: `Chaos ${j.kind} ${j.n} BV`,
        clientCode: `C-${tag}-${j.kind}-${j.n}`,
        email: `client-${j.kind}-${j.n}@example.be`,
        language: 'nl',
      },
      { idempotencyKey: key('client') },
    ),
    'id',
  );
  j.setup.clientId = clientId;
  j.setup.accountId = createdId(
    'bank account',
    await api.call(
      'POST',
      `/v1/clients/${clientId}/bank-accounts`,
      { iban: OTHER_BANK_IBAN },
      { idempotencyKey: key('account') },
    ),
    'id',
  );
}

async function waitFor<T>(
  what: string,
  o: DriveOptions,
  probe: () => Promise<T | undefined>,
  timeoutMs = 600_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (o.active()) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) break;
    await delay(1_000);
  }
  throw new JourneyError(`gave up waiting for ${what}`);
}

const statusOf = async (o: DriveOptions, path: string) => {
  const answer = await o.api.call('GET', path);
  return answer.status === 200 ? text(answer.body, 'status') : undefined;
};

const reached = (o: DriveOptions, path: string, ...statuses: string[]) =>
  waitFor(`${path} to be ${statuses.join(' or ')}`, o, async () => {
    const status = await statusOf(o, path);
    return status && statuses.includes(status) ? status : undefined;
  });

/** Until the case's first e-mail of `template` is sent (the outbox says so). */
const emailed = (o: DriveOptions, caseId: string, template: string) =>
  waitFor(`${template} of ${caseId}`, o, async () => {
    const answer = await o.api.call('GET', `/v1/outbox?caseId=${caseId}&status=sent&limit=200`);
    const rows = pick(answer.body, 'data');
    return Array.isArray(rows) && rows.some((row) => text(row, 'template') === template) ? true : undefined;
  });

/** A provider event through the sandbox, with a fixed event id; retried until the webhook accepted it (or knew it). */
async function report(o: DriveOptions, provider: string, type: string, data: Record<string, unknown>, eventId: string) {
  for (;;) {
    const answer = await o.api.call('POST', `/v1/sandbox/webhooks/${provider}`, { type, data, eventId });
    const status = pick(answer.body, 'webhook', 'status');
    if (answer.status === 200 && (status === 202 || status === 200)) return;
    if (answer.status === 200 && typeof status === 'number' && status < 500 && status !== 429)
      throw new JourneyError(
        `${provider} ${type}: webhook answered ${status} ${text(answer.body, 'webhook', 'body', 'code') ?? ''}`,
      );
    if (!o.active()) throw new JourneyError(`${provider} ${type}: not delivered before the end`);
    await delay(1_000);
  }
}

/**
 * POST that starts a journey; answers the id of the case. A killed API can leave its
 * Idempotency-Key reserved (409 idempotency_in_progress for minutes): then the journey's business
 * key settles it (`recover` finds the case the first attempt made, if any).
 */
async function start(
  o: DriveOptions,
  j: Journey,
  path: string,
  /** The body of each attempt: a fresh one per attempt where it holds a time (a deadline ahead of now). */
  body: () => unknown,
  idOf: (answer: unknown) => string | undefined,
  recover: () => Promise<string | undefined>,
): Promise<string> {
  const key = `chaos-${o.tag}-${j.kind}-${j.n}-start`;
  for (let attempt = 1; ; attempt++) {
    const answer = await o.api.call('POST', path, body(), {
      idempotencyKey: attempt === 1 ? key : `${key}-${attempt}`,
      giveUpMs: 30_000,
    });
    const id = answer.status === 202 || answer.status === 201 ? idOf(answer.body) : undefined;
    if (id) return id;
    j.notes.push(`start answered ${problem(answer)}`);
    const existing = await recover();
    if (existing) return existing;
    if (!o.active() || attempt >= 10) throw new JourneyError(`start: ${problem(answer)}`);
  }
}

async function driveMandate(j: Journey, o: DriveOptions): Promise<void> {
  const body = { bankAccountIds: [j.setup.accountId], managementMode: 'service' };
  const id = await start(
    o,
    j,
    '/v1/mandates',
    () => body,
    (answer) => text(answer, 'data', 0, 'mandate', 'id'),
    async () => text((await o.api.call('GET', `/v1/mandates?clientId=${j.setup.clientId}`)).body, 'data', 0, 'id'),
  );
  j.id = id;
  await emailed(o, id, 'mandate.invitation');
  if (j.idle) {
    j.status = await reached(o, `/v1/mandates/${id}`, j.expectedStatus);
    return;
  }
  await report(o, 'esign', 'mandate.signed', { mandateId: id, revision: 1 }, `chaos-${o.tag}-m${j.n}-signed`);
  j.actedAt = Date.now();
  await reached(o, `/v1/mandates/${id}`, 'bank_processing', 'active');
  await report(o, 'banklink', 'bank.mandate_accepted', { mandateId: id }, `chaos-${o.tag}-m${j.n}-accepted`);
  j.status = await reached(o, `/v1/mandates/${id}`, 'active');
}

async function driveCaro(j: Journey, o: DriveOptions): Promise<void> {
  const order = {
    clientId: j.setup.clientId,
    bankAccountId: j.setup.accountId,
    clientReference: `CHAOS-${o.tag}-N${j.n}`,
    cardholderEmail: `holder-${j.n}@example.be`,
    cardholderLanguage: 'nl',
  };
  const id = await start(
    o,
    j,
    '/v1/caro-orders',
    () => ({ orders: [order] }),
    (answer) => text(answer, 'data', 0, 'id'),
    async () => {
      const rows = pick((await o.api.call('GET', `/v1/caro-orders?clientId=${j.setup.clientId}`)).body, 'data');
      const found = Array.isArray(rows)
        ? rows.find((row) => text(row, 'clientReference') === order.clientReference)
        : undefined;
      return text(found, 'id');
    },
  );
  j.id = id;
  await emailed(o, id, 'caro.invitation');
  if (j.idle) {
    j.status = await reached(o, `/v1/caro-orders/${id}`, j.expectedStatus);
    return;
  }
  await report(o, 'caro', 'caro.activated', { orderId: id }, `chaos-${o.tag}-c${j.n}-activated`);
  j.actedAt = Date.now();
  j.status = await reached(o, `/v1/caro-orders/${id}`, 'active');
  await emailed(o, id, 'caro.confirmation');
}

async function driveConnection(j: Journey, o: DriveOptions): Promise<void> {
  // A start retried through a database outage takes a deadline ahead of its own attempt: one set
  // when the journey began may be past by then (422 deadline_in_past).
  const body = () => ({
    officeId: j.setup.officeId,
    provider: 'ponto',
    ownerEmail: `owner-${j.n}@example.be`,
    ownerLanguage: 'nl',
    ibans: ['BE68539007547034'],
    validUntil: new Date(Date.now() + o.deadlineSeconds * 1000).toISOString(),
  });
  j.id = await start(
    o,
    j,
    '/v1/connections',
    body,
    (answer) => text(answer, 'id'),
    async () => text((await o.api.call('GET', `/v1/connections?officeId=${j.setup.officeId}`)).body, 'data', 0, 'id'),
  );
  const id = j.id;
  j.validUntil = await waitFor(`the deadline of ${id}`, o, async () =>
    text((await o.api.call('GET', `/v1/connections/${id}`)).body, 'validUntil'),
  );
  if (j.renew) {
    await delay((o.deadlineSeconds * 1000) / 3);
    const renewed = new Date(Date.now() + o.deadlineSeconds * 800).toISOString();
    await report(
      o,
      'aggregator',
      'consent.renewed',
      { connectionId: j.id, validUntil: renewed },
      `chaos-${o.tag}-k${j.n}-renewed`,
    );
    j.renewedAt = Date.now();
    j.renewedFrom = j.validUntil;
    j.validUntil = renewed;
  }
  j.status = await reached(o, `/v1/connections/${j.id}`, 'expired');
}

export async function driveJourney(j: Journey, o: DriveOptions): Promise<void> {
  try {
    if (j.kind === 'mandate') await driveMandate(j, o);
    else if (j.kind === 'caro') await driveCaro(j, o);
    else await driveConnection(j, o);
    j.outcome = 'done';
    o.log(`${j.kind} #${j.n} ${j.id ?? ''} reached ${j.status}`);
  } catch (error) {
    j.outcome = 'failed';
    j.error = error instanceof Error ? error.message : String(error);
    o.log(`${j.kind} #${j.n} ${j.id ?? ''} did not finish: ${j.error}`);
  }
}
