import { z } from 'zod';
import { emailSchema, ibanSchema, idSchema, instantSchema, languageSchema } from './common.js';

export const createConnectionBody = z
  .object({
    officeId: idSchema,
    clientId: idSchema.optional(),
    provider: z.string().trim().min(1).max(100),
    ownerEmail: emailSchema.optional(),
    ownerLanguage: languageSchema,
    ibans: z.array(ibanSchema).min(1).max(50),
    validUntil: instantSchema,
  })
  .strict();

export const renewConnectionBody = z.object({ validUntil: instantSchema }).strict();
