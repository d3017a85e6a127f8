/**
 * A one-page PDF 1.4 of text lines (Helvetica, WinAnsi), written by hand: the mandate document
 * is a form with a dozen lines, which does not justify a PDF library. The streams are not
 * compressed, so tests (and people) can read the text back.
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

/** WinAnsi covers Latin-1 for the accented letters of fr/nl/de; anything else becomes '?'. */
function encodeText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const byte = ch === '’' ? 0x92 : ch === '–' ? 0x96 : ch === '•' ? 0x95 : code >= 0x20 && code <= 0xff && !(code >= 0x7f && code < 0xa0) ? code : 0x3f;
    const c = String.fromCharCode(byte);
    out += c === '\\' || c === '(' || c === ')' ? `\\${c}` : c;
  }
  return out;
}

/** Splits a line so that it fits the page width (Helvetica averages about half an em per character). */
function wrap(line: PdfLine): PdfLine[] {
  const size = line.size ?? 11;
  const max = Math.floor((PAGE.width - 2 * PAGE.margin) / (size * 0.5));
  const words = line.text.split(' ');
  const out: PdfLine[] = [];
  let current = '';
  for (const word of words) {
    if (current && current.length + 1 + word.length > max) {
      out.push({ ...line, text: current, ...(out.length ? { gapBefore: 0 } : {}) });
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  out.push({ ...line, text: current, ...(out.length ? { gapBefore: 0 } : {}) });
  return out;
}

export function textPdf(opts: { title: string; lines: PdfLine[] }): Buffer {
  let y = PAGE.height - PAGE.margin;
  const ops: string[] = [];
  for (const line of opts.lines.flatMap(wrap)) {
    const size = line.size ?? 11;
    y -= (line.gapBefore ?? 0) + size * 1.4;
    ops.push(`BT /${line.bold ? 'F2' : 'F1'} ${size} Tf ${PAGE.margin} ${y.toFixed(1)} Td (${encodeText(line.text)}) Tj ET`);
  }
  const content = ops.join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    `<< /Title (${encodeText(opts.title)}) /Producer (bankfeed) >>`,
  ];
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
