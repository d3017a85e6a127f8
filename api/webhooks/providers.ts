/** The external parties that call us back with HMAC-signed webhooks (docs/domain.md#external-parties). */
export const WEBHOOK_PROVIDERS = ['esign', 'caro', 'banklink', 'aggregator'] as const;
export type Provider = (typeof WEBHOOK_PROVIDERS)[number];

export const isProvider = (value: string): value is Provider =>
  (WEBHOOK_PROVIDERS as readonly string[]).includes(value);
