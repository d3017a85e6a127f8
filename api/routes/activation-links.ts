import { Router } from 'express';
import type { AppDeps } from '../deps.js';
import { resolveActivationLink } from '../services/caro.js';

/**
 * `GET /l/:token`: where the CARO activation link in the invitation points (no API key: the
 * signed token is the credential). It answers what the activation page shows the cardholder
 * first, the client reference to confirm; a replaced, expired or closed link answers 410.
 */
export function activationLinkRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/l/:token', async (req, res) => {
    const token = String(req.params.token).slice(0, 2_000);
    const target = await resolveActivationLink(deps, token);
    req.log.info({ caroOrderId: target.orderId }, 'activation link opened');
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(target);
  });
  return router;
}
