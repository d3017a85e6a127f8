export { consentRenewalWorkflow } from './consent-renewal/workflow.js';
