import type { Actor } from './route.js';

/** Accountants see their own office only; the back office sees every office. */
export const officeScope = (actor: Actor): { officeId?: string } =>
  actor.role === 'accountant' ? { officeId: actor.officeId ?? '' } : {};

/** The office a write goes to: an accountant's own, whatever they sent; the back office must name one. */
export function targetOffice(actor: Actor, requested: string | undefined): string | undefined {
  if (actor.role === 'accountant')
    return requested === undefined || requested === actor.officeId ? (actor.officeId ?? undefined) : undefined;
  return requested;
}
