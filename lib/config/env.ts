import { z } from 'zod';

/** Thrown at boot when the environment is invalid; its message is one readable line. */
export class EnvError extends Error {
  override name = 'EnvError';
}

/**
 * `"true"`/`"1"`/`"yes"` → true, `"false"`/`"0"`/`"no"`/empty → false; anything else is an error (never
 * `Boolean('false')`).
 */
export const envBoolean = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false (got "${v}")` });
      return z.NEVER;
    });

export const envPort = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** Parses `env` with `schema`; on failure throws one line naming every bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // Empty strings mean "unset", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new EnvError(`Invalid environment: ${problems.join('; ')}`);
}

/** Runs `main`, turning an EnvError into one line on stderr and exit code 1. */
export function exitOnEnvError(error: unknown): never {
  if (error instanceof EnvError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
