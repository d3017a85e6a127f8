import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOutboxRow, findOutboxMessage, listOutbox, markRejected, markSent } from '../../lib/email/outbox.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  // Seven messages on three cases, created one after the other.
  for (let i = 1; i <= 7; i++) {
    const row = await claimOutboxRow(db.prisma, {
      idempotencyKey: `case-${i % 3}/step/${i}`,
      template: i % 2 ? 'consent.reminder' : 'caro.invitation',
      language: 'fr',
      to: `person${i}@example.be`,
      subject: `message ${i}`,
      html: `<p>message ${i}</p>`,
      text: `message ${i}`,
      caseType: i % 2 ? 'connection' : 'caro',
      caseId: `case-${i % 3}`,
    });
    if (i === 2) await markRejected(db.prisma, row.id, 'validation_error: invalid address');
    else if (i !== 7) await markSent(db.prisma, row.id, null);
  }
});
afterAll(async () => {
  await db?.stop();
});

const subjects = (items: { subject: string }[]) => items.map((m) => m.subject);

describe('listOutbox (operators)', () => {
  it('lists newest first, without the HTML part', async () => {
    const { items, nextCursor } = await listOutbox(db.prisma, { limit: 50 });
    expect(subjects(items)).toEqual([
      'message 7',
      'message 6',
      'message 5',
      'message 4',
      'message 3',
      'message 2',
      'message 1',
    ]);
    expect(items[0]).not.toHaveProperty('html');
    expect(items[0]).toMatchObject({ text: 'message 7', status: 'queued', toAddress: 'person7@example.be' });
    expect(nextCursor).toBeNull();
  });

  it('filters by status, case type and case', async () => {
    expect(subjects((await listOutbox(db.prisma, { status: 'rejected', limit: 50 })).items)).toEqual(['message 2']);
    expect(subjects((await listOutbox(db.prisma, { status: 'queued', limit: 50 })).items)).toEqual(['message 7']);
    expect(subjects((await listOutbox(db.prisma, { caseType: 'caro', limit: 50 })).items)).toEqual([
      'message 6',
      'message 4',
      'message 2',
    ]);
    expect(
      subjects((await listOutbox(db.prisma, { caseType: 'connection', caseId: 'case-1', limit: 50 })).items),
    ).toEqual(['message 7', 'message 1']);
  });

  it('pages with a cursor until the end', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listOutbox(db.prisma, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...subjects(page.items));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['message 7', 'message 6', 'message 5', 'message 4', 'message 3', 'message 2', 'message 1']);
  });

  it('clamps the page size, and finds one message with its HTML', async () => {
    expect((await listOutbox(db.prisma, { limit: 0 })).items).toHaveLength(1);
    const [latest] = (await listOutbox(db.prisma, { limit: 1 })).items;
    expect(await findOutboxMessage(db.prisma, latest!.id)).toMatchObject({
      subject: 'message 7',
      html: '<p>message 7</p>',
    });
    expect(await findOutboxMessage(db.prisma, '0193a8a4-0000-7000-8000-000000000000')).toBeNull();
  });

  it('a sent or rejected row never changes status again', async () => {
    const [rejected] = (await listOutbox(db.prisma, { status: 'rejected', limit: 1 })).items;
    expect((await markSent(db.prisma, rejected!.id, 'late-id')).count).toBe(0);
    const [sent] = (await listOutbox(db.prisma, { status: 'sent', limit: 1 })).items;
    expect((await markRejected(db.prisma, sent!.id, 'late')).count).toBe(0);
  });
});
