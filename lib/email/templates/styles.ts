/**
 * Every inline style the e-mails' HTML part carries, for a Content-Security-Policy that shows an e-mail as
 * its recipient sees it (the console's outbox: the HTML in a sandboxed srcdoc frame, which inherits the
 * console's policy) without allowing inline styles in general: `style-src-attr 'unsafe-hashes'` + these hashes.
 * Rendered from the layout itself (one block of each kind, both footers, each language): a new style there
 * is allowed by the next build, with no list to keep in step.
 */
import { createHash } from 'node:crypto';
import { renderLayout, type Block } from './layout.js';
import { TEMPLATE_LANGUAGES } from './language.js';

const ONE_OF_EACH: { [K in Block['kind']]: Extract<Block, { kind: K }> } = {
  paragraph: { kind: 'paragraph', text: 'p' },
  heading: { kind: 'heading', text: 'h' },
  steps: { kind: 'steps', items: ['s'] },
  list: { kind: 'list', items: ['l'] },
  facts: { kind: 'facts', items: [['f', 'v']] },
  button: { kind: 'button', label: 'b', url: 'https://example.invalid/' },
  note: { kind: 'note', text: 'n' },
};

/** The distinct values of the layout's style attributes. */
export function emailStyleAttributes(): string[] {
  const styles = new Set<string>();
  for (const language of TEMPLATE_LANGUAGES)
    for (const footer of ['automated', 'none'] as const) {
      const { html } = renderLayout(
        { subject: 's', preview: 'p', greeting: 'g', signature: 's', footer, blocks: Object.values(ONE_OF_EACH) },
        language,
      );
      for (const [, style] of html.matchAll(/\sstyle="([^"]*)"/g)) styles.add(style!);
    }
  return [...styles].sort();
}

/** The CSP sources that allow exactly those style attributes. */
export const emailStyleSources = (): string =>
  [
    "'unsafe-hashes'",
    ...emailStyleAttributes().map((style) => `'sha256-${createHash('sha256').update(style).digest('base64')}'`),
  ].join(' ');
