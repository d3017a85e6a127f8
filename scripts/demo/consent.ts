/**
 * Journey 3 (docs/domain.md#journey-3-consent-renewal): a consent reminded before its deadline
 * that expires, and one renewed between its reminders, whose pending reminder is dropped and whose
 * reminders are planned anew from the new deadline.
 */
import { at, DemoError, enteredAt, type Detail } from './api.js';
import { IBAN, planned, type DemoContext, type Journey } from './context.js';
import type { JourneyWalk } from './steps.js';

const CONNECTION = 'connection';
/** How long after its planned time a dropped reminder is looked for (it would have gone out by then). */
const DROP_CHECK_MS = 5_000;
let owners = 0;

interface Reminder {
  kind: 'scheduled' | 'manual';
  forValidUntil: string;
  sentAt: string;
}

const detail = (ctx: DemoContext, id: string) => ctx.api.detail(CONNECTION, id);

/** The scheduled reminders sent for the deadline `validUntil`, oldest first. */
export const remindersFor = (d: Detail | undefined, validUntil: string): Reminder[] =>
  ((d?.reminders ?? []) as Reminder[])
    .filter((r) => r.kind === 'scheduled' && Date.parse(r.forValidUntil) === Date.parse(validUntil))
    .sort((a, b) => Date.parse(a.sentAt) - Date.parse(b.sentAt));

async function connect(ctx: DemoContext, w: JourneyWalk): Promise<{ id: string; validUntil: string }> {
  owners += 1;
  const created = Date.now();
  const validUntil = new Date(Math.ceil((created + ctx.consentDeadlineMs) / 1000) * 1000).toISOString();
  const id = await ctx.api.create(
    '/v1/connections',
    {
      officeId: ctx.officeId,
      provider: 'ponto',
      ownerEmail: `owner-${owners}@example.be`,
      ownerLanguage: 'nl',
      ibans: [IBAN.other],
      validUntil,
    },
    'id',
  );
  await w.step('connected', {
    expected: created,
    // Registered connected (no transition yet): once its workflow's start is confirmed.
    happened: async () => {
      const d = await detail(ctx, id);
      return d?.status === 'connected' && d.startPending === false ? at(d.createdAt) : undefined;
    },
    note: () => `until ${validUntil.slice(11, 19)}`,
  });
  return { id, validUntil };
}

/** The `n`-th scheduled reminder of the deadline; the first one also makes the consent "expires soon". */
function reminder(ctx: DemoContext, w: JourneyWalk, name: string, id: string, validUntil: string, n: number) {
  return w.step(name, {
    expected: planned(ctx, CONNECTION, id, 'reminder'),
    happened: async () => {
      const d = await detail(ctx, id);
      const sent = at(remindersFor(d, validUntil)[n - 1]?.sentAt);
      return sent !== undefined && (n > 1 || enteredAt(d, 'expires_soon') !== undefined) ? sent : undefined;
    },
  });
}

export const consentExpiry: Journey = {
  name: 'consent reminders and expiry',
  steps: ['connected', 'reminder 1: expires soon', 'reminder 2', 'expired: owner and office told'],
  async run(ctx, w) {
    const { id, validUntil } = await connect(ctx, w);
    await reminder(ctx, w, 'reminder 1: expires soon', id, validUntil, 1);
    await reminder(ctx, w, 'reminder 2', id, validUntil, 2);
    await w.step('expired: owner and office told', {
      expected: planned(ctx, CONNECTION, id, 'expiry'),
      happened: async () => {
        const expired = enteredAt(await detail(ctx, id), 'expired');
        if (expired === undefined) return undefined;
        const owner = await ctx.api.emailed(id, 'consent.expired.owner');
        const office = await ctx.api.emailed(id, 'consent.expired.office');
        return owner !== undefined && office !== undefined ? expired : undefined;
      },
    });
  },
};

/** Set by the renewal journey, checked again at the end of the walk: no reminder of the old deadline after the renewal. */
export const renewalCheck: { id?: string; oldValidUntil?: string; renewedAt?: number } = {};

export const consentRenewal: Journey = {
  name: 'consent renewal',
  steps: [
    'connected',
    'reminder 1',
    'renewed (aggregator report)',
    'connected until the new deadline',
    'pending reminder of the old deadline dropped',
    'reminder 1 of the new deadline',
  ],
  async run(ctx, w) {
    const { id, validUntil } = await connect(ctx, w);
    await reminder(ctx, w, 'reminder 1', id, validUntil, 1);
    const pending = await planned(ctx, CONNECTION, id, 'reminder')();
    const newValidUntil = new Date(Date.parse(validUntil) + Math.round(ctx.consentDeadlineMs / 2)).toISOString();
    const renewed = Date.now();
    const acknowledged = await w.step('renewed (aggregator report)', {
      expected: renewed,
      happened: () => ctx.api.report('aggregator', 'consent.renewed', { connectionId: id, validUntil: newValidUntil }),
      note: () => `until ${newValidUntil.slice(11, 19)}`,
    });
    Object.assign(renewalCheck, { id, oldValidUntil: validUntil, renewedAt: acknowledged });
    await w.step('connected until the new deadline', {
      expected: renewed,
      happened: async () => {
        const d = await detail(ctx, id);
        return d && Date.parse(String(d.validUntil)) === Date.parse(newValidUntil) && d.status !== 'expired'
          ? (enteredAt(d, d.status, renewed) ?? Date.now())
          : undefined;
      },
      note: () => 'its status follows the new deadline',
    });
    const firstNew = await planned(ctx, CONNECTION, id, 'reminder')();
    await w.step('pending reminder of the old deadline dropped', {
      expected: pending ?? (() => Promise.resolve(undefined)),
      happened: async () => {
        if (Date.now() < (pending ?? 0) + DROP_CHECK_MS) return undefined;
        if (await oldReminderAfterRenewal(ctx)) throw new DemoError('a reminder of the old deadline went out');
        return Date.now();
      },
      note: () => `none sent ${DROP_CHECK_MS / 1000}s after its time`,
    });
    await w.step('reminder 1 of the new deadline', {
      expected: firstNew ?? (() => Promise.resolve(undefined)),
      happened: async () => at(remindersFor(await detail(ctx, id), newValidUntil)[0]?.sentAt),
    });
  },
};

/** A reminder of the renewed deadline that went out after the renewal: a defect. */
export async function oldReminderAfterRenewal(ctx: DemoContext): Promise<boolean> {
  const { id, oldValidUntil, renewedAt } = renewalCheck;
  if (!id || !oldValidUntil || renewedAt === undefined) return false;
  const d = await detail(ctx, id);
  if (!d) throw new DemoError(`connection ${id} is gone`);
  return remindersFor(d, oldValidUntil).some((r) => Date.parse(r.sentAt) > renewedAt);
}

export const consentJourneys = [consentExpiry, consentRenewal];
