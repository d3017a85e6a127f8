import { createLinkBuilder, type LinkBuilder } from '../../lib/links/links.js';

/**
 * The subject of a CARO activation token: the order and its link version. Every new invitation
 * (resend, replay, reactivation) bumps the version on the order, so an older link stops opening.
 */
export const caroLinkSubject = (orderId: string, linkVersion: number): string => `${orderId}.${linkVersion}`;

export function parseCaroLinkSubject(subject: string): { orderId: string; linkVersion: number } | undefined {
  const match = /^([0-9a-f-]{36})\.(\d{1,9})$/.exec(subject);
  return match ? { orderId: match[1] as string, linkVersion: Number(match[2]) } : undefined;
}

/** The worker's CARO dependencies from its link settings: the signer of activation links and the terms page. */
export function caroDepsFromEnv(env: { LINK_SIGNING_SECRET: string; PUBLIC_BASE_URL: string }): { links: LinkBuilder; termsUrl: string } {
  return {
    links: createLinkBuilder({ publicBaseUrl: env.PUBLIC_BASE_URL, secret: env.LINK_SIGNING_SECRET }),
    termsUrl: `${env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/terms/caro`,
  };
}
