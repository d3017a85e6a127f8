import { createCaroActivities } from './caro/activities.js';
import { createCaroReplayActivities } from './caro-replay/activities.js';
import { createConnectionActivities } from './connections/activities.js';
import type { ActivityDeps } from './deps.js';
import { createMandateActivities } from './mandates/activities.js';
import { createReconcilerActivities } from './reconciler/activities.js';
import { createWebhookActivities } from './webhooks/activities.js';

export type { ActivityDeps } from './deps.js';

/** Every activity the worker registers, one factory per concern. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createConnectionActivities(deps),
    ...createMandateActivities(deps),
    ...createCaroActivities(deps),
    ...createCaroReplayActivities(deps),
    ...createReconcilerActivities(deps),
    ...createWebhookActivities(deps),
  };
}
