import { signLinkToken } from './token.js';

/** What a link in an e-mail can open. The API route that receives `/l/<token>` checks the purpose. */
export const LINK_PURPOSES = ['mandate-signing', 'caro-activation', 'connection-invitation'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

export interface LinkBuilder {
  /** `<PUBLIC_BASE_URL>/l/<token>`: opens `purpose` for case `subject` until `expiresAt`. */
  url(purpose: LinkPurpose, subject: string, expiresAt: Date): string;
}

/** The builder of the worker, from its environment (PUBLIC_BASE_URL, LINK_SIGNING_SECRET). */
export const linkBuilderFromEnv = (env: { PUBLIC_BASE_URL: string; LINK_SIGNING_SECRET: string }): LinkBuilder =>
  createLinkBuilder({ publicBaseUrl: env.PUBLIC_BASE_URL, secret: env.LINK_SIGNING_SECRET });

export function createLinkBuilder(opts: { publicBaseUrl: string; secret: string }): LinkBuilder {
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  return {
    url: (purpose, subject, expiresAt) => `${base}/l/${signLinkToken({ purpose, subject, expiresAt }, opts.secret)}`,
  };
}
