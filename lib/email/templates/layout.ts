/**
 * The shell of every e-mail. A template describes its content as blocks; this file turns the
 * blocks into the HTML part (escaped, inline styles, as mail clients need) and the plain-text
 * part, so the two never say different things.
 */
import type { TemplateLanguage } from './language.js';

export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'steps'; items: string[] }
  | { kind: 'list'; items: string[] }
  | { kind: 'facts'; items: [label: string, value: string][] }
  | { kind: 'button'; label: string; url: string }
  | { kind: 'note'; text: string };

export interface EmailContent {
  subject: string;
  /** The line mail clients show after the subject. */
  preview: string;
  greeting: string;
  blocks: Block[];
  signature: string;
  /** `automated` (default) adds the "do not reply" footer; `none` for texts the office sends itself. */
  footer?: 'automated' | 'none';
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export const paragraph = (text: string): Block => ({ kind: 'paragraph', text });
export const heading = (text: string): Block => ({ kind: 'heading', text });
export const steps = (...items: string[]): Block => ({ kind: 'steps', items });
export const list = (...items: string[]): Block => ({ kind: 'list', items });
export const facts = (...items: [string, string][]): Block => ({ kind: 'facts', items });
export const button = (label: string, url: string): Block => ({ kind: 'button', label, url });
export const note = (text: string): Block => ({ kind: 'note', text });

const CHROME: Record<TemplateLanguage, { copyLink: string; footer: string }> = {
  fr: {
    copyLink: 'Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :',
    footer: 'Ce message a été envoyé automatiquement : les réponses à cette adresse ne sont pas lues.',
  },
  nl: {
    copyLink: 'Werkt de knop niet? Kopieer dan deze link in uw browser:',
    footer: 'Dit bericht werd automatisch verzonden: antwoorden op dit adres worden niet gelezen.',
  },
  en: {
    copyLink: 'If the button does not work, copy this link into your browser:',
    footer: 'This message was sent automatically: replies to this address are not read.',
  },
};

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function safeUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new Error(`e-mail links must be http(s), got ${parsed.protocol}`);
  return parsed.href;
}

const P = 'margin:0 0 16px;font-size:15px;line-height:1.5;color:#1f2933;';

function blockHtml(block: Block, language: TemplateLanguage): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p style="${P}">${escapeHtml(block.text)}</p>`;
    case 'heading':
      return `<h2 style="margin:24px 0 8px;font-size:17px;color:#102a43;">${escapeHtml(block.text)}</h2>`;
    case 'steps':
    case 'list': {
      const tag = block.kind === 'steps' ? 'ol' : 'ul';
      const items = block.items.map((item) => `<li style="margin:0 0 6px;">${escapeHtml(item)}</li>`).join('');
      return `<${tag} style="${P}padding-left:24px;">${items}</${tag}>`;
    }
    case 'facts': {
      const rows = block.items
        .map(
          ([label, value]) =>
            `<tr><td style="padding:4px 16px 4px 0;color:#52606d;">${escapeHtml(label)}</td><td style="padding:4px 0;font-weight:600;">${escapeHtml(value)}</td></tr>`,
        )
        .join('');
      return `<table role="presentation" style="${P}border-collapse:collapse;">${rows}</table>`;
    }
    case 'button': {
      const href = escapeHtml(safeUrl(block.url));
      return (
        `<p style="margin:24px 0;"><a href="${href}" style="background:#0b5cad;color:#ffffff;padding:12px 20px;border-radius:4px;text-decoration:none;font-weight:600;">${escapeHtml(block.label)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:13px;color:#52606d;">${escapeHtml(CHROME[language].copyLink)}<br><a href="${href}" style="color:#0b5cad;word-break:break-all;">${href}</a></p>`
      );
    }
    case 'note':
      return `<p style="${P}padding:12px;background:#fff8e1;border-left:4px solid #f0b429;">${escapeHtml(block.text)}</p>`;
  }
}

function blockText(block: Block, language: TemplateLanguage): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'heading':
      return `${block.text}\n${'-'.repeat(block.text.length)}`;
    case 'steps':
      return block.items.map((item, i) => `${i + 1}. ${item}`).join('\n');
    case 'list':
      return block.items.map((item) => `- ${item}`).join('\n');
    case 'facts':
      // French typography puts a space before the colon.
      return block.items.map(([label, value]) => `${label}${language === 'fr' ? ' :' : ':'} ${value}`).join('\n');
    case 'button':
      return `${block.label}:\n${safeUrl(block.url)}`;
    case 'note':
      return `! ${block.text}`;
  }
}

export function renderLayout(content: EmailContent, language: TemplateLanguage): RenderedEmail {
  const body = content.blocks.map((block) => blockHtml(block, language)).join('\n');
  const footer = content.footer === 'none' ? undefined : CHROME[language].footer;
  const html = `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(content.subject)}</title></head>
<body style="margin:0;padding:0;background:#f5f7fa;font-family:Arial,Helvetica,sans-serif;">
<div style="display:none;max-height:0;overflow:hidden;">${escapeHtml(content.preview)}</div>
<table role="presentation" width="100%" style="border-collapse:collapse;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" style="max-width:600px;width:100%;border-collapse:collapse;background:#ffffff;"><tr><td style="padding:32px;">
<p style="${P}">${escapeHtml(content.greeting)}</p>
${body}
<p style="${P}white-space:pre-line;">${escapeHtml(content.signature)}</p>
</td></tr></table>
${footer ? `<p style="max-width:600px;margin:16px auto 0;font-size:12px;color:#7b8794;">${escapeHtml(footer)}</p>\n` : ''}</td></tr></table>
</body>
</html>
`;
  const parts = [content.greeting, ...content.blocks.map((block) => blockText(block, language)), content.signature];
  const text = (footer ? [...parts, `--\n${footer}`] : parts).join('\n\n');
  return { subject: content.subject, html, text: `${text}\n` };
}
