import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** A `.trim().min(1)` string must hold more than whitespace: said with a pattern, as JSON Schema cannot trim. */
const trimmedNotBlank: NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'] = ({ zodSchema, jsonSchema }) => {
  const def = zodSchema._zod.def as { type: string; checks?: { _zod: { def: { check: string } } }[] };
  const trims = def.type === 'string' && (def.checks ?? []).some((check) => check._zod.def.check === 'overwrite');
  if (trims && jsonSchema.pattern === undefined && Number(jsonSchema.minLength ?? 0) >= 1) jsonSchema.pattern = '\\S';
};

/** A zod schema as JSON Schema 2020-12, as the request (`input`) or the answer (`output`) reads. */
export const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: trimmedNotBlank,
  }) as JsonSchema;
  return rest;
};
