import { caroJourneys } from './caro.js';
import { consentJourneys } from './consent.js';
import type { Journey } from './context.js';
import { mandateJourneys } from './mandate.js';

/** Every journey the demo walks, in the table's order. */
export const DEMO_JOURNEYS: Journey[] = [...mandateJourneys, ...caroJourneys, ...consentJourneys];
