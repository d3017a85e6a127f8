import { z } from 'zod';
import { pageQuery } from '../http/pagination.js';
import { ibanSchema, idSchema, timestamps } from './common.js';

export const clientParams = z.object({ clientId: idSchema }).strict();

export const createBankAccountBody = z.object({ iban: ibanSchema }).strict();

export const listBankAccountsQuery = z.object({ ...pageQuery }).strict();

export const bankAccountSchema = z.object({
  id: z.string(),
  clientId: z.string(),
  /** Normalised: upper case, no spaces. */
  iban: z.string(),
  /** BE: the three digits after the check digits (National Bank of Belgium's bank identification code). */
  bankCode: z.string(),
  bankName: z.string(),
  /** KBC or CBC: the mandate is linked in the bank app instead of signed. */
  isKbcGroup: z.boolean(),
  ...timestamps,
});
