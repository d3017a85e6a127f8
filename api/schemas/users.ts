import { z } from 'zod';
import { ROLES } from '../../lib/auth/api-keys.js';
import { pageQuery } from '../http/pagination.js';
import { emailSchema, idSchema, timestamps } from './common.js';
import { newPasswordSchema, userLanguageSchema } from './session.js';

const name = z.string().trim().min(1).max(100);
const officeIdDescription = 'Required for an accountant (their office); refused for operators and support';

export const createUserBody = z
  .object({
    email: emailSchema,
    name,
    role: z.enum(ROLES),
    officeId: idSchema.optional().describe(officeIdDescription),
    language: userLanguageSchema,
    /** Generated (and answered once) when absent. */
    password: newPasswordSchema.optional(),
  })
  .strict();

export const updateUserBody = z
  .object({
    name: name.optional(),
    role: z.enum(ROLES).optional(),
    officeId: idSchema.nullable().optional().describe(officeIdDescription),
    language: userLanguageSchema.optional(),
    /** A new password ends the account's sessions. */
    password: newPasswordSchema.optional(),
    /** true ends the account's sessions and refuses its sign-ins; false enables it again. */
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change');

export const listUsersQuery = z.object({ ...pageQuery }).strict();

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  officeId: z.string().nullable(),
  language: userLanguageSchema,
  disabledAt: z.iso.datetime().nullable(),
  ...timestamps,
});

export const createdUserSchema = userSchema.extend({
  /** The generated password, in this answer only: when none was given. */
  password: z.string().optional(),
});
