import type { RouteDef } from '../http/route.js';
import { apiKeyRoutes } from './api-keys.js';
import { auditRoutes } from './audit.js';
import { bankAccountRoutes } from './bank-accounts.js';
import { caroRoutes } from './caro.js';
import { caroReplayRoutes } from './caro-replays.js';
import { caseRoutes } from './cases.js';
import { caseViewRoutes } from './case-views.js';
import { clientRoutes } from './clients.js';
import { connectionRoutes } from './connections.js';
import { eventRoutes } from './events.js';
import { mandateRoutes } from './mandates.js';
import { officeRoutes } from './offices.js';
import { outboxRoutes } from './outbox.js';
import { sandboxRoutes } from './sandbox.js';
import { userRoutes } from './users.js';
import { webhookEndpointRoutes } from './webhook-endpoints.js';

/** Every authenticated route of the API, in documentation order; `sandbox` ones only when enabled (api/app.ts). */
export const apiRoutes: readonly RouteDef[] = [
  ...officeRoutes,
  ...clientRoutes,
  ...bankAccountRoutes,
  ...mandateRoutes,
  ...connectionRoutes,
  ...caroRoutes,
  ...caroReplayRoutes,
  ...caseRoutes,
  ...caseViewRoutes,
  ...eventRoutes,
  ...webhookEndpointRoutes,
  ...auditRoutes,
  ...outboxRoutes,
  ...apiKeyRoutes,
  ...userRoutes,
  ...sandboxRoutes,
];
