import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caroScheduleFromEnv, loadApiEnv } from '../../api/env.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { startDevServer, type DevServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// A schedule in seconds on the real dev server, in real time: what `CARO_REMINDERS=20s,40s,60s
// CARO_EXPIRY=80s npm start` does, four times faster so that it fits in a CI run.
const INTERVAL_MS = 5_000;
const ENV = { CARO_REMINDERS: '5s,10s,15s', CARO_EXPIRY: '20s' };
/** A timer never fires early; on a loaded machine an e-mail may land this long after it is due. */
const LATE_MS = 3_000;

let server: DevServer;
let stack: TestStack;

beforeAll(async () => {
  server = await startDevServer();
  // The API's own parsing of the variables: only the schedule is taken from it (the stack has its database).
  const env = loadApiEnv({ DATABASE_URL: 'postgresql://unused@localhost/db', ...ENV });
  stack = await startTestStack(server.env, { caroSchedule: caroScheduleFromEnv(env) });
});
afterAll(async () => {
  await stack?.stop();
  await server?.stop();
});

async function order(): Promise<string> {
  const office = await stack.http('POST', '/v1/offices', {
    name: 'Kantoor Peeters',
    language: 'nl',
    contactEmail: 'kantoor@example.be',
  });
  const client = await stack.http('POST', '/v1/clients', {
    officeId: office.body.id,
    companyName: 'Bakkerij Janssens BV',
    clientCode: `C-${randomUUID()}`,
    language: 'nl',
  });
  const account = await stack.http('POST', `/v1/clients/${client.body.id}/bank-accounts`, {
    iban: 'BE68 5390 0754 7034',
  });
  const res = await stack.http('POST', '/v1/caro-orders', {
    orders: [
      {
        clientId: client.body.id,
        bankAccountId: account.body.id,
        clientReference: `REF-${randomUUID().slice(0, 8)}`,
        cardholderEmail: 'kaarthouder@example.be',
        cardholderLanguage: 'nl',
      },
    ],
  });
  expect(res.status).toBe(202);
  return res.body.data[0].id;
}

describe('a CARO schedule in seconds on the dev server', () => {
  it('sends the invitation, three reminders an interval apart, then expires the order', async () => {
    const id = await order();
    const expired = await waitFor(
      async () => {
        const row = await stack.db.prisma.caroOrder.findUniqueOrThrow({ where: { id } });
        return row.status === 'invitation_expired' ? row : undefined;
      },
      'the order to expire',
      60_000,
    );
    const outbox = await stack.db.prisma.emailOutbox.findMany({
      where: { caseType: 'caro', caseId: id },
      orderBy: { createdAt: 'asc' },
    });
    expect(outbox.map((m) => [m.template, m.status])).toEqual([
      ['caro.invitation', 'sent'],
      ['caro.reminder', 'sent'],
      ['caro.reminder', 'sent'],
      ['caro.reminder', 'sent'],
    ]);
    // The activation link expires with the invitation: 20 s after the workflow invited.
    const invitedAtMs = expired.linkExpiresAt!.getTime() - 4 * INTERVAL_MS;
    const due = [1, 2, 3].map((n) => invitedAtMs + n * INTERVAL_MS);
    outbox.slice(1).forEach((reminder, i) => {
      expect(reminder.createdAt.getTime()).toBeGreaterThanOrEqual(due[i]!);
      expect(reminder.createdAt.getTime()).toBeLessThan(due[i]! + LATE_MS);
    });
    // Then the expiry, one interval after the third reminder: the order is closed, the address purged.
    expect(expired.updatedAt.getTime()).toBeGreaterThanOrEqual(invitedAtMs + 4 * INTERVAL_MS);
    expect(expired.updatedAt.getTime()).toBeLessThan(invitedAtMs + 4 * INTERVAL_MS + LATE_MS);
    expect(expired).toMatchObject({ cardholderEmail: null, reminderCount: 3 });
    const state = (await stack.http('GET', `/v1/caro-orders/${id}`)).body;
    expect(state).toMatchObject({ status: 'invitation_expired' });
  });
});
