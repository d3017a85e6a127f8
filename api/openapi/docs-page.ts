import type { buildOpenApi } from './document.js';

type Document = ReturnType<typeof buildOpenApi>;
interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  'x-roles': readonly string[];
  parameters: { name: string; in: string; required: boolean; description?: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string }>;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function renderOperation(method: string, path: string, op: Operation): string {
  const params = op.parameters.length
    ? `<table><tr><th>name</th><th>in</th><th>required</th></tr>${op.parameters.map((p) => `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td></tr>`).join('')}</table>`
    : '';
  const body = op.requestBody
    ? `<details><summary>Request body</summary><pre>${escape(JSON.stringify(op.requestBody.content['application/json']?.schema, null, 2))}</pre></details>`
    : '';
  const responses = Object.entries(op.responses)
    .map(([status, r]) => `<li><b>${status}</b> ${escape(r.description)}</li>`)
    .join('');
  return `<section class="op" id="${escape(op.operationId)}">
  <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
  <p>${escape(op.summary)} <span class="roles">roles: ${op['x-roles'].map(escape).join(', ')}</span></p>
  ${params}${body}<ul>${responses}</ul>
</section>`;
}

/** A readable, dependency-free page of the OpenAPI document (no CDN, works offline). */
export function renderDocs(document: Document): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods as Record<string, Operation>)) {
      const tag = op.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, op)]);
    }
  }
  const sections = [...byTag]
    .map(([tag, ops]) => `<h2 id="tag-${escape(tag)}">${escape(tag)}</h2>${ops.join('\n')}`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{margin-bottom:0}.op{border:1px solid #d8dce6;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}
.method{font-weight:700;padding:0 .4rem;border-radius:4px;color:#fff}.get{background:#2f7d32}.post{background:#1f5fbf}.patch{background:#a36200}.delete{background:#b3261e}
.roles{color:#5b6275;font-size:.9em;margin-left:.5rem}table{border-collapse:collapse}td,th{border:1px solid #d8dce6;padding:.1rem .5rem;text-align:left}
pre{background:#f5f6f9;padding:.5rem;overflow:auto}
</style></head><body>
<h1>${escape(document.info.title)}</h1>
<p>${escape(document.info.description)} OpenAPI ${document.openapi}: <a href="/openapi.json">/openapi.json</a>. Authenticate with <code>Authorization: Bearer &lt;API key&gt;</code>.</p>
${sections}
</body></html>`;
}
