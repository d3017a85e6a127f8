import { z } from 'zod';
import { pageQuery } from '../http/pagination.js';
import { emailSchema, languageSchema, timestamps } from './common.js';

export const createOfficeBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    language: languageSchema,
    contactEmail: emailSchema,
  })
  .strict();

export const listOfficesQuery = z.object({ ...pageQuery }).strict();

export const officeSchema = z.object({
  id: z.string(),
  name: z.string(),
  language: languageSchema,
  contactEmail: z.string(),
  ...timestamps,
});
