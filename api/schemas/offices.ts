import { z } from 'zod';
import { emailSchema, languageSchema } from './common.js';

export const createOfficeBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    language: languageSchema,
    contactEmail: emailSchema,
  })
  .strict();
