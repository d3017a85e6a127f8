/**
 * What every journey of the demo shares: the API (operator and support keys), the run's tag (so
 * a second run against the same stack makes new records), the office, and the step recorder.
 */
import { poll, type JourneyWalk, type WalkOptions } from './steps.js';
import { plannedAt, type CaseKind, type DemoApi } from './api.js';

export interface DemoContext {
  api: DemoApi;
  /** The same API with a support key (support replays failed activations). */
  support: DemoApi;
  tag: string;
  officeId: string;
  options: WalkOptions;
  /** How far ahead the consents' deadlines are set (their reminders must fall within it). */
  consentDeadlineMs: number;
}

export interface Journey {
  name: string;
  /** Every step, in order: the table lists them all, also those a stopped journey never reached. */
  steps: readonly string[];
  run(ctx: DemoContext, walk: JourneyWalk): Promise<void>;
}

export const IBAN = {
  /** ING Belgium: an e-signature mandate. */
  ing: 'BE35 3101 2345 6737',
  /** KBC: linked in the bank app. */
  kbc: 'BE09 7341 2345 6757',
  other: 'BE68 5390 0754 7034',
} as const;

let clients = 0;

/** A client of the demo's office with one bank account. */
export async function newAccount(
  ctx: DemoContext,
  iban: string,
  language: 'nl' | 'fr' = 'nl',
): Promise<{ clientId: string; accountId: string }> {
  clients += 1;
  const clientId = await ctx.api.create(
    '/v1/clients',
    {
      officeId: ctx.officeId,
      companyName: `Demo ${ctx.tag} client ${clients} BV`,
      clientCode: `DEMO-${ctx.tag}-${clients}`,
      email: `client-${clients}@example.be`,
      language,
    },
    'id',
  );
  const accountId = await ctx.api.create(`/v1/clients/${clientId}/bank-accounts`, { iban }, 'id');
  return { clientId, accountId };
}

/** The time of the case's next step of `kind` (and number), as its detail plans it: a timed step's expectation. */
export const planned = (ctx: DemoContext, kind: CaseKind, id: string, step: string, number?: number) => () =>
  poll(async () => plannedAt(await ctx.api.detail(kind, id), step, number), ctx.options.graceMs, ctx.options.pollMs);
