import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

// Support notes on a case (operator and support write; the office's accountants read) and the audit
// trail across resources.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeId: string;
let connectionId: string;
let keys: { support: string; accountant: string; outsider: string; supportId: string };
const DAY = 86_400_000;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  const office = async (name: string) =>
    (await stack.http('POST', '/v1/offices', { name, language: 'fr', contactEmail: 'office@example.be' })).body
      .id as string;
  officeId = await office('Fiduciaire Notes');
  const created = await stack.http('POST', '/v1/api-keys', { name: 'helpdesk', role: 'support' });
  keys = {
    support: created.body.key,
    supportId: created.body.id,
    accountant: await stack.key('accountant', officeId),
    outsider: await stack.key('accountant', await office('Fiduciaire Ailleurs')),
  };
  connectionId = (
    await stack.http('POST', '/v1/connections', {
      officeId,
      provider: 'ponto',
      ownerLanguage: 'fr',
      ibans: ['BE68539007547034'],
      validUntil: new Date(Date.now() + 60 * DAY).toISOString(),
    })
  ).body.id;
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const notes = () => `/v1/connections/${connectionId}/notes`;

describe('support notes', () => {
  it('support writes, the office’s accountant reads but may not write, another office sees nothing', async () => {
    const added = await stack.http(
      'POST',
      notes(),
      { text: '  Called the owner: renews next week.  ' },
      {
        key: keys.support,
      },
    );
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expectDeclaredResponse('addConnectionNote', 201, added.body);
    expect(added.body).toMatchObject({
      caseType: 'connection',
      caseId: connectionId,
      authorKeyId: keys.supportId,
      authorRole: 'support',
      text: 'Called the owner: renews next week.',
    });
    const write = await stack.http('POST', notes(), { text: 'mine' }, { key: keys.accountant });
    expect(write).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const read = await stack.http('GET', notes(), undefined, { key: keys.accountant });
    expect(read.status).toBe(200);
    expectDeclaredResponse('listConnectionNotes', 200, read.body);
    expect(read.body.data.map((n: { id: string }) => n.id)).toEqual([added.body.id]);
    expect((await stack.http('GET', notes(), undefined, { key: keys.outsider })).status).toBe(404);
    const timeline = await stack.http('GET', `/v1/connections/${connectionId}/timeline`, undefined, {
      key: keys.accountant,
    });
    expect(timeline.body.entries.filter((e: { kind: string }) => e.kind === 'note')).toEqual([
      {
        kind: 'note',
        at: added.body.at,
        noteId: added.body.id,
        // A machine's key: no person behind it.
        author: { keyId: keys.supportId, role: 'support', userId: null, name: null },
        text: 'Called the owner: renews next week.',
      },
    ]);
    // Audited (who and which note; the text stays in the note).
    const audit = await stack.http('GET', `/v1/audit?action=case.note&resourceId=${connectionId}`);
    expect(audit.body.data).toEqual([
      expect.objectContaining({
        actorKeyId: keys.supportId,
        resourceType: 'connection',
        details: { noteId: added.body.id },
      }),
    ]);
  });

  it.each([
    ['a card number', { text: 'card 4111 1111 1111 1111 blocked' }, 400, 'card_data_refused'],
    ['an empty text', { text: '   ' }, 400, 'validation_failed'],
    ['a text over 2000 characters', { text: 'x'.repeat(2001) }, 400, 'validation_failed'],
    ['an unknown field', { text: 'ok', pinned: true }, 400, 'validation_failed'],
  ])('refuses %s with 4xx naming the field, storing nothing', async (_what, body, status, code) => {
    const before = await stack.db.prisma.caseNote.count();
    const res = await stack.http('POST', notes(), body, { key: keys.support });
    expect(res).toMatchObject({ status, body: { code, errors: [{ in: 'body' }] } });
    expect(await stack.db.prisma.caseNote.count()).toBe(before);
  });

  it('a note on another office’s case, or on no case, is 404', async () => {
    const res = await stack.http('POST', '/v1/mandates/0190a000-0000-7000-8000-000000000000/notes', { text: 'x' });
    expect(res).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });
});

describe('the audit trail across resources', () => {
  it('filters by actor, action and time range, a page at a time; the back office only', async () => {
    const from = new Date().toISOString();
    for (const text of ['first', 'second', 'third'])
      expect((await stack.http('POST', notes(), { text }, { key: keys.support })).status).toBe(201);
    const to = new Date(Date.now() + 1).toISOString();
    const q = (query: string) => stack.http('GET', `/v1/audit?${query}`);
    const byActor = await q(`actorKeyId=${keys.supportId}&from=${from}&to=${to}`);
    expect(byActor.status, JSON.stringify(byActor.body)).toBe(200);
    expectDeclaredResponse('listAuditEvents', 200, byActor.body);
    expect(byActor.body.data).toHaveLength(3);
    expect(byActor.body.data.every((e: { action: string }) => e.action === 'case.note')).toBe(true);
    const first = await q(`actorKeyId=${keys.supportId}&from=${from}&limit=2`);
    expect(first.body.data).toHaveLength(2);
    const rest = await q(`actorKeyId=${keys.supportId}&from=${from}&limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body).toMatchObject({ data: [byActor.body.data[2]], nextCursor: null });
    expect((await q(`action=case.note&to=${from}`)).body.data).toHaveLength(1); // the first test's note
    expect((await q('action=connection.create')).body.data).toEqual([
      expect.objectContaining({ resourceType: 'connection', resourceId: connectionId }),
    ]);
    expect((await q(`from=${to}&to=${from}`)).body).toMatchObject({ errors: [{ in: 'query', path: 'to' }] });
    expect((await q('actorKeyId=nope')).body).toMatchObject({ errors: [{ in: 'query', path: 'actorKeyId' }] });
    const accountant = await stack.http('GET', '/v1/audit?action=case.note', undefined, { key: keys.accountant });
    expect(accountant.status).toBe(403);
    const support = await stack.http('GET', '/v1/audit?action=case.note', undefined, { key: keys.support });
    expect(support.body.data).toHaveLength(4);
  });
});
