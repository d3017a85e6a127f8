export { consentRenewalWorkflow } from './consent-renewal/workflow.js';
export { mandateWorkflow } from './mandate/workflow.js';
