import { createLinkBuilder, type LinkBuilder } from '../../lib/links/links.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';

/** The API's link settings (the worker's LINK_SIGNING_SECRET and PUBLIC_BASE_URL); 503 when it has none. */
export function linkSigning(deps: AppDeps): { secret: string; publicBaseUrl: string } {
  if (!deps.linkSigning)
    throw new ApiError(503, 'links_not_configured', 'this API has no link signing settings (LINK_SIGNING_SECRET)');
  return deps.linkSigning;
}

/** Builds links exactly as the worker does (same secret and origin): a copied link is the e-mailed one. */
export const apiLinkBuilder = (deps: AppDeps): LinkBuilder => createLinkBuilder(linkSigning(deps));
