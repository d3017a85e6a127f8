/** The worker's CARO settings from its environment: where the cardholder reads the terms. */
export const caroDepsFromEnv = (env: { PUBLIC_BASE_URL: string }): { termsUrl: string } => ({
  termsUrl: `${env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/terms/caro`,
});
