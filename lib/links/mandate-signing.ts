import type { LinkBuilder } from './links.js';
import { mandateLinkSubject } from './subjects.js';

/** Presentations recorded before the workflow set `linkExpiresAt` from its schedule: valid 60 days, as then. */
const LEGACY_LINK_VALID_MS = 60 * 86_400_000;

/**
 * The signing link of a mandate's current presentation. The worker (e-mails) and the API ("copy
 * the link") build it from the same row, so both give the same URL; a new presentation (revision)
 * gives a new one, and `GET /l/:token` refuses the older ones.
 */
export function mandateSigningLink(
  links: LinkBuilder,
  m: { id: string; revision: number; presentedAt: Date | null; linkExpiresAt: Date | null; createdAt: Date },
): { url: string; expiresAt: Date } {
  const expiresAt = m.linkExpiresAt ?? new Date((m.presentedAt ?? m.createdAt).getTime() + LEGACY_LINK_VALID_MS);
  return { url: links.url('mandate-signing', mandateLinkSubject(m), expiresAt), expiresAt };
}
