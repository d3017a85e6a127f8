import { expect } from 'vitest';
import { apiRoutes } from '../../api/routes/index.js';

/** Asserts that a JSON answer matches the zod schema its route declares for that status. */
export function expectDeclaredResponse(operationId: string, status: number, body: unknown): void {
  const route = apiRoutes.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`no route ${operationId}`);
  const declared = route.responses[status];
  expect(declared, `${operationId} does not declare a ${status} response`).toBeDefined();
  if (declared?.mediaType) {
    expect(typeof body, `${operationId} ${status} is a ${declared.mediaType} document`).toBe('string');
    return;
  }
  if (!declared?.schema) {
    expect(body, `${operationId} ${status} declares no body`).toBeUndefined();
    return;
  }
  const result = declared.schema.safeParse(body);
  expect(result.success ? [] : result.error.issues, `${operationId} ${status} body matches its schema`).toEqual([]);
}
