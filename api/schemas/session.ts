import { z } from 'zod';
import { ROLES } from '../../lib/auth/api-keys.js';
import { USER_LANGUAGES } from '../../lib/auth/user-store.js';
import { emailSchema } from './common.js';

export const userLanguageSchema = z.enum(USER_LANGUAGES);
/** A password someone chooses: 12 to 200 characters. */
export const newPasswordSchema = z.string().min(12, 'must be at least 12 characters').max(200);

export const signInBody = z
  .object({
    email: emailSchema,
    password: z.string().min(1).max(200),
  })
  .strict();

/** The signed-in person, as the console shows them. */
export const sessionUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  officeId: z.string().nullable(),
  language: userLanguageSchema,
});

export const sessionSchema = z.object({
  user: sessionUserSchema,
  /** Send it back in X-CSRF-Token on every POST, PATCH and DELETE made with the session cookie. */
  csrfToken: z.string(),
});
