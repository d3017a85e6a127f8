/**
 * `npm run emails:render`: renders every template, in every variant and language, to
 * `template-review/` (git-ignored) for review: `<template>/<variant>.<lang>.html` and `.txt`
 * (subject first), and an index.html linking them all.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderTemplate, TEMPLATE_IDS, TEMPLATE_LANGUAGES, type TemplateId } from '../lib/email/templates/index.js';
import { escapeHtml } from '../lib/email/templates/layout.js';
import { SAMPLES } from '../lib/email/templates/samples.js';

const outDir = resolve(process.argv[2] ?? 'template-review');

function renderSample<K extends TemplateId>(id: K, index: number, language: string) {
  const sample = SAMPLES[id][index]!;
  return { variant: sample.variant, ...renderTemplate(id, sample.vars, language) };
}

await rm(outDir, { recursive: true, force: true });
const rows: string[] = [];
let files = 0;
for (const id of TEMPLATE_IDS) {
  await mkdir(join(outDir, id), { recursive: true });
  for (let index = 0; index < SAMPLES[id].length; index++) {
    for (const language of TEMPLATE_LANGUAGES) {
      const mail = renderSample(id, index, language);
      const base = join(id, `${mail.variant}.${language}`);
      await writeFile(join(outDir, `${base}.html`), mail.html);
      await writeFile(join(outDir, `${base}.txt`), `Subject: ${mail.subject}\n\n${mail.text}`);
      files += 2;
      rows.push(
        `<tr><td>${escapeHtml(id)}</td><td>${escapeHtml(mail.variant)}</td><td>${language}</td><td><a href="${escapeHtml(base)}.html">${escapeHtml(mail.subject)}</a></td><td><a href="${escapeHtml(base)}.txt">text</a></td></tr>`,
      );
    }
  }
}
await writeFile(
  join(outDir, 'index.html'),
  `<!doctype html><html><head><meta charset="utf-8"><title>E-mail templates</title></head><body style="font-family:sans-serif">
<h1>E-mail templates (${rows.length} renderings)</h1>
<table cellpadding="4"><tr><th>template</th><th>variant</th><th>language</th><th>subject (HTML)</th><th></th></tr>
${rows.join('\n')}
</table></body></html>
`,
);
process.stdout.write(
  `rendered ${TEMPLATE_IDS.length} templates, ${rows.length} renderings (${files} files) into ${outDir}/ (open index.html)\n`,
);
