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
  const entries = raw.slice(startxref).split('\n').slice(2, 2 + count);
  entries.slice(1).forEach((entry, i) => {
    const offset = Number(entry.slice(0, 10));
    expect(raw.slice(offset, offset + 20), `object ${i + 1} at its xref offset`).toMatch(new RegExp(`^${i + 1} 0 obj\\n`));
  });
  expect(raw).toMatch(/trailer\n<< \/Size \d+ \/Root 1 0 R/);
  const stream = /stream\n([\s\S]*?)\nendstream/.exec(raw)![1]!;
  const length = Number(/<< \/Length (\d+) >>\nstream/.exec(raw)![1]);
  expect(Buffer.byteLength(stream, 'latin1')).toBe(length);
  const winAnsi: Record<string, string> = { '\x92': '’', '\x96': '–', '\x95': '•' };
  return [...stream.matchAll(/\(((?:\\.|[^\\)])*)\) Tj/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1').replace(/[\x92\x96\x95]/g, (c) => winAnsi[c]!));
}
