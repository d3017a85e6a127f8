// The contract the API publishes, checked on every answer the tests receive: each JSON body must
// match the schema /openapi.json declares for its operation and status, extra properties included
// (the schemas say additionalProperties: false, as schemathesis checks in CI). zod's own parse strips
// unknown keys, so a field added to a row but not to its schema passed every test until CI's contract
// check saw it; this finds it in the test that made the request.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildOpenApi } from '../../api/openapi/document.js';
import { apiRoutes } from '../../api/routes/index.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface Operation {
  method: string;
  pattern: RegExp;
  pointer: string;
  /** Path parameters: an operation with fewer is tried first. */
  params: number;
}

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

let compiled: { operations: Operation[]; ajv: Ajv2020; cache: Map<string, ValidateFunction | null> } | undefined;

function contract() {
  if (compiled) return compiled;
  const document = buildOpenApi(apiRoutes) as { paths: Record<string, Record<string, unknown>> };
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema(document, 'openapi');
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    // Fixed segments before parameters: /v1/caro-orders/replay is not /v1/caro-orders/{id}.
    const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const params = path.split('{').length - 1;
    for (const method of Object.keys(methods))
      operations.push({ method, pattern, pointer: `/paths/${escapePointer(path)}/${method}`, params });
  }
  operations.sort((a, b) => a.params - b.params);
  compiled = { operations, ajv, cache: new Map() };
  return compiled;
}

/**
 * What is wrong with this answer against /openapi.json, in words; undefined when it matches (or the
 * path is not one of the document's, e.g. /healthz or a 404 for an unknown route).
 */
export function contractViolation(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
): string | undefined {
  const { operations, ajv, cache } = contract();
  const path = new URL(url, 'http://x').pathname;
  // The document's path the server routes this to (fixed segments win); a method it does not serve is a 405 there.
  const routed = operations.find((o) => o.pattern.test(path));
  const operation = operations.find(
    (o) => o.pattern.source === routed?.pattern.source && o.method === method.toLowerCase(),
  );
  if (!operation || body === undefined || !/json/.test(contentType ?? '')) return undefined;
  const mediaType = status >= 400 ? 'application/problem+json' : 'application/json';
  const pointer = `${operation.pointer}/responses/${status}/content/${escapePointer(mediaType)}/schema`;
  let validate = cache.get(pointer);
  if (validate === undefined) {
    validate = ajv.getSchema(`openapi#${pointer}`) ?? null;
    cache.set(pointer, validate);
  }
  if (!validate) {
    const declared = ajv.getSchema(`openapi#${operation.pointer}/responses/${status}`);
    return declared ? undefined : `${method} ${path} answered ${status}, which /openapi.json does not declare`;
  }
  if (validate(body)) return undefined;
  const errors = (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  return `${method} ${path} ${status} does not match /openapi.json: ${errors.join('; ')}`;
}

/** Throws when the answer breaks the published contract (the test that made the request fails). */
export function expectContract(method: string, url: string, res: { status: number; headers: Headers; body: unknown }) {
  const violation = contractViolation(method, url, res.status, res.headers.get('content-type'), res.body);
  if (violation) throw new Error(violation);
}
