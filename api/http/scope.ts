import type { Prisma } from '../../lib/db/client.js';
import type { Actor } from './route.js';

/**
 * Tenant scoping, in one place: the `where` fragment that limits each model to what the actor may
 * see. Accountants see their own office only; operators and support see every office. Every read
 * of a tenant's record goes through one of these, so another office's id is simply "not found".
 */
export function tenantScope(actor: Actor) {
  if (actor.role !== 'accountant') {
    return {
      office: {},
      client: {},
      bankAccount: {},
      mandate: {},
      caroOrder: {},
      connection: {},
      webhookEndpoint: {},
    } as const;
  }
  const officeId = actor.officeId ?? '';
  return {
    office: { id: officeId } satisfies Prisma.OfficeWhereInput,
    client: { officeId } satisfies Prisma.ClientWhereInput,
    bankAccount: { client: { officeId } } satisfies Prisma.BankAccountWhereInput,
    mandate: { bankAccount: { client: { officeId } } } satisfies Prisma.MandateWhereInput,
    caroOrder: { client: { officeId } } satisfies Prisma.CaroOrderWhereInput,
    connection: { officeId } satisfies Prisma.ConnectionWhereInput,
    webhookEndpoint: { officeId } satisfies Prisma.WebhookEndpointWhereInput,
  };
}

/**
 * The offices a cross-office read (cases, events) must match, all of them: an accountant's own,
 * whatever else they asked (naming another office then finds nothing), and the office asked for.
 */
export function officesToMatch(actor: Actor, requested: string | undefined): string[] {
  const own = actor.role === 'accountant' ? [actor.officeId ?? ''] : [];
  return [...own, ...(requested ? [requested] : [])];
}

/** The office a write goes to: an accountant's own, whatever they sent; the back office must name one. */
export function targetOffice(actor: Actor, requested: string | undefined): string | undefined {
  if (actor.role === 'accountant')
    return requested === undefined || requested === actor.officeId ? (actor.officeId ?? undefined) : undefined;
  return requested;
}
