import type { LinkBuilder } from './links.js';
import { mandateLinkSubject } from './subjects.js';

/** How long a signing link stays valid after a presentation: past the last reminder and the stalled notice. */
export const MANDATE_LINK_VALID_DAYS = 60;
const DAY_MS = 86_400_000;

/**
 * The signing link of a mandate's current presentation. The worker (e-mails) and the API ("copy
 * the link") build it from the same row, so both give the same URL; a new presentation (revision)
 * gives a new one, and `GET /l/:token` refuses the older ones.
 */
export function mandateSigningLink(
  links: LinkBuilder,
  m: { id: string; revision: number; presentedAt: Date | null; createdAt: Date },
): { url: string; expiresAt: Date } {
  const expiresAt = new Date((m.presentedAt ?? m.createdAt).getTime() + MANDATE_LINK_VALID_DAYS * DAY_MS);
  return { url: links.url('mandate-signing', mandateLinkSubject(m), expiresAt), expiresAt };
}
