import { expect } from 'vitest';

/**
 * Checks that `pdf` is a well-formed PDF (header, cross-reference table whose every offset
 * lands on its object, trailer, startxref) and returns the text it shows, line by line.
 * Enough for the uncompressed text PDFs we write; a reader would open them as such.
 */
export function readPdfText(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  expect(raw.startsWith('%PDF-1.')).toBe(true);
  expect(raw.trimEnd().endsWith('%%EOF')).toBe(true);
  const startxref = Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(raw)?.[1]);
  expect(raw.slice(startxref, startxref + 4)).toBe('xref');
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(raw.slice(startxref))!.map(Number) as [number, number, number];
  expect(first).toBe(0);
  const entries = raw
    .slice(startxref)
    .split('\n')
    .slice(2, 2 + count);
  entries.slice(1).forEach((entry, i) => {
    const offset = Number(entry.slice(0, 10));
    expect(raw.slice(offset, offset + 20), `object ${i + 1} at its xref offset`).toMatch(
      new RegExp(`^${i + 1} 0 obj\\n`),
    );
  });
  expect(raw).toMatch(/trailer\n<< \/Size \d+ \/Root 1 0 R/);
  const text: string[] = [];
  for (const m of raw.matchAll(/<< \/Length (\d+) >>\nstream\n([\s\S]*?)\nendstream/g)) {
    expect(Buffer.byteLength(m[2]!, 'latin1'), 'stream length').toBe(Number(m[1]));
    for (const t of m[2]!.matchAll(/\(((?:\\.|[^\\)])*)\) Tj/g)) text.push(fromWinAnsi(t[1]!.replace(/\\(.)/g, '$1')));
  }
  return text;
}

/** cp1252's 0x80–0x9F (Node's TextDecoder may lack windows-1252), written out independently of lib/pdf. */
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** WinAnsi (cp1252) bytes back to text: Latin-1 plus the 0x80–0x9F extras. */
function fromWinAnsi(bytes: string): string {
  return bytes.replace(/[\x80-\x9f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80]!);
}

/** How many pages the document declares. */
export const pdfPageCount = (pdf: Buffer): number =>
  Number(/\/Type \/Pages \/Kids \[[^\]]*\] \/Count (\d+)/.exec(pdf.toString('latin1'))?.[1]);
