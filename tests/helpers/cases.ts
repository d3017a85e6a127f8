import type { HttpOptions, TestStack } from './stack.js';

/**
 * A case's detail (GET …/:id, from the database) with its workflow's live view beside it as
 * `workflow` (GET …/:id/workflow), for tests that follow the workflow itself. Back-office keys only.
 */
export async function detailWithWorkflow(stack: TestStack, path: string, opts: HttpOptions = {}) {
  const [detail, workflow] = await Promise.all([
    stack.http('GET', path, undefined, opts),
    stack.http('GET', `${path}/workflow`, undefined, opts),
  ]);
  if (detail.status !== 200) return detail;
  return { ...detail, body: { ...detail.body, workflow: workflow.body } };
}
