import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Personal data never reaches them: known fields that carry
 * addresses, links or secrets are censored wherever they appear (two levels deep).
 */
const SENSITIVE = [
  'email',
  'ownerEmail',
  'cardholderEmail',
  'contactEmail',
  'toAddress',
  'to',
  'link',
  'activationLink',
  'signingLink',
  'token',
  'apiKey',
  'authorization',
  'cookie',
];
const redactPaths = SENSITIVE.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createLogger(opts: { service: string; level?: LevelWithSilent }): Logger {
  return pino({
    level: opts.level ?? 'info',
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}
