import { Router } from 'express';
import { LINK_PURPOSES } from '../../lib/links/links.js';
import { linkSubjectCaseId } from '../../lib/links/subjects.js';
import { LinkTokenError, verifyLinkToken } from '../../lib/links/token.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { linkSigning } from '../services/link-signing.js';
import { linkTargets } from '../services/link-targets.js';

/**
 * `GET /l/:token`: where every signed link in an e-mail points (no API key: the token is the
 * credential). It answers what the page behind it shows first — the mandate to sign, the CARO
 * order to activate, the connection to repair — with its `purpose`. A forged or unknown link is
 * 404; an expired one, or one a newer e-mail replaced, or a case that moved on, is 410.
 */
export function linkRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/l/:token', async (req, res) => {
    const token = String(req.params.token).slice(0, 2_000);
    let claims;
    try {
      claims = verifyLinkToken(token, linkSigning(deps).secret, { purpose: LINK_PURPOSES });
    } catch (error) {
      if (!(error instanceof LinkTokenError)) throw error;
      if (error.problem === 'expired')
        throw new ApiError(410, 'link_expired', 'this link has expired: ask your accountant for a new e-mail');
      throw new ApiError(404, 'not_found', 'no such link');
    }
    const purpose = claims.purpose as (typeof LINK_PURPOSES)[number];
    const target = await linkTargets[purpose](deps, claims.subject);
    // Ids only: never the token.
    req.log.info({ purpose, subject: linkSubjectCaseId(purpose, claims.subject) }, 'link opened');
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ purpose, ...target });
  });
  return router;
}
