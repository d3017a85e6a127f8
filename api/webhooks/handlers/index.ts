import type { ProviderEvents } from '../define.js';
import type { Provider } from '../providers.js';
import { aggregatorEvents } from './aggregator.js';
import { banklinkEvents } from './banklink.js';
import { caroEvents } from './caro.js';
import { esignEvents } from './esign.js';

/** The events each provider may send and what we do with them. */
export const providerEvents: Record<Provider, ProviderEvents> = {
  esign: esignEvents,
  caro: caroEvents,
  banklink: banklinkEvents,
  aggregator: aggregatorEvents,
};
