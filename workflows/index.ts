export { consentRenewalWorkflow } from './consent-renewal/workflow.js';
export { mandateWorkflow } from './mandate/workflow.js';
export { caroActivationWorkflow } from './caro-activation/workflow.js';
export { reconcilerWorkflow } from './reconciler/workflow.js';
export { webhookEndpointWorkflow } from './webhook-delivery/workflow.js';
export { caroReplayWorkflow } from './caro-replay/workflow.js';
