/**
 * A PDF 1.4 of text lines (Helvetica, WinAnsi), written by hand: the mandate document is a form
 * with a dozen lines, which does not justify a PDF library. The streams are not compressed, so
 * tests (and people) can read the text back. Lines wrap at the margin and flow onto new pages.
 */

export interface PdfLine {
  text: string;
  /** Font size in points (default 11). */
  size?: number;
  bold?: boolean;
  /** Extra space before the line, in points. */
  gapBefore?: number;
}

const PAGE = { width: 595, height: 842, margin: 56 }; // A4 in points

/** WinAnsi (cp1252) bytes 0x80–0x9F that are not Latin-1: €, œ, curly quotes, dashes… */
const WIN_ANSI_EXTRA: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  ƒ: 0x83,
  '„': 0x84,
  '…': 0x85,
  '†': 0x86,
  '‡': 0x87,
  ˆ: 0x88,
  '‰': 0x89,
  Š: 0x8a,
  '‹': 0x8b,
  Œ: 0x8c,
  Ž: 0x8e,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '˜': 0x98,
  '™': 0x99,
  š: 0x9a,
  '›': 0x9b,
  œ: 0x9c,
  ž: 0x9e,
  Ÿ: 0x9f,
};

/** The WinAnsi byte of a character, or '?' for what the standard fonts cannot show. */
function winAnsi(ch: string): number {
  const code = ch.codePointAt(0)!;
  if (WIN_ANSI_EXTRA[ch] !== undefined) return WIN_ANSI_EXTRA[ch];
  return (code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) ? code : 0x3f;
}

/** A PDF literal string's content in WinAnsi, composed first (e + ◌́ → é). */
function encodeText(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const c = String.fromCharCode(winAnsi(ch));
    out += c === '\\' || c === '(' || c === ')' ? `\\${c}` : c;
  }
  return out;
}

/** The document title as PDF metadata expects it: UTF-16BE with a byte-order mark. */
const utf16Hex = (text: string) =>
  `<FEFF${[...text].map((ch) => Buffer.from(ch, 'utf16le').swap16().toString('hex').toUpperCase()).join('')}>`;

/** A safe estimate of a character's width in ems (Helvetica capitals and wide letters reach 0.94). */
const charWidth = (ch: string, bold: boolean) =>
  (/[MWmw@%]/.test(ch) ? 0.94 : /[A-Z0-9ÀÉÈÊËÎÏÔÖÛÜÇŒ€&]/.test(ch) ? 0.72 : /[ilj.,:;'’!|]/.test(ch) ? 0.28 : 0.56) *
  (bold ? 1.06 : 1);
const textWidth = (text: string, size: number, bold: boolean) =>
  [...text].reduce((w, ch) => w + charWidth(ch, bold), 0) * size;

/** Splits a line at word boundaries to fit the page width; a word longer than a line is cut. */
function wrap(line: PdfLine): PdfLine[] {
  const size = line.size ?? 11;
  const bold = line.bold ?? false;
  const max = PAGE.width - 2 * PAGE.margin;
  const pieces: string[] = [];
  let current = '';
  const push = (word: string) => {
    const candidate = current ? `${current} ${word}` : word;
    if (textWidth(candidate, size, bold) <= max) return void (current = candidate);
    if (current) pieces.push(current);
    current = '';
    let rest = word;
    while (textWidth(rest, size, bold) > max) {
      let n = rest.length;
      while (n > 1 && textWidth(rest.slice(0, n), size, bold) > max) n--;
      pieces.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    current = rest;
  };
  line.text.split(' ').forEach(push);
  pieces.push(current);
  return pieces.map((text, i) => ({ ...line, text, ...(i > 0 ? { gapBefore: 0 } : {}) }));
}

export function textPdf(opts: { title: string; lines: PdfLine[] }): Buffer {
  const pages: string[][] = [[]];
  let y = PAGE.height - PAGE.margin;
  for (const line of opts.lines.flatMap(wrap)) {
    const size = line.size ?? 11;
    const step = (line.gapBefore ?? 0) + size * 1.4;
    if (y - step < PAGE.margin) {
      pages.push([]);
      y = PAGE.height - PAGE.margin;
    }
    y -= pages.at(-1)!.length === 0 ? size * 1.4 : step;
    pages
      .at(-1)!
      .push(
        `BT /${line.bold ? 'F2' : 'F1'} ${size} Tf ${PAGE.margin} ${y.toFixed(1)} Td (${encodeText(line.text)}) Tj ET`,
      );
  }
  // Objects: 1 catalog, 2 page tree, 3–4 fonts, 5 info, then a page and its content per page.
  const pageObject = (i: number) => 6 + 2 * i;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${pageObject(i)} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Title ${utf16Hex(opts.title)} /Producer (bankfeed) >>`,
    ...pages.flatMap((ops, i) => {
      const content = ops.join('\n');
      return [
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageObject(i) + 1} 0 R >>`,
        `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
      ];
    }),
  ];
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
