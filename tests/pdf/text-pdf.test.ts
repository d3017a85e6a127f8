import { describe, expect, it } from 'vitest';
import { textPdf } from '../../lib/pdf/text-pdf.js';
import { pdfPageCount, readPdfText } from '../helpers/pdf.js';

describe('textPdf', () => {
  it('writes French, Dutch and cp1252 punctuation as themselves, and what it cannot show as ?', () => {
    const pdf = textPdf({
      title: 'Mandat – Œuvre',
      lines: [
        { text: 'Cœur d’Élan: 100 € “net” — ok…' },
        { text: 'e\u0301te\u0301 (composed) \\ back' },
        { text: 'Zürich Ĳssel 漢' },
      ],
    });
    expect(readPdfText(pdf)).toEqual(['Cœur d’Élan: 100 € “net” — ok…', 'été (composed) \\ back', 'Zürich ?ssel ?']);
    // The title is UTF-16BE metadata, not WinAnsi: viewers show it as written.
    expect(pdf.toString('latin1')).toContain(
      `/Title <FEFF${Buffer.from('Mandat – Œuvre', 'utf16le').swap16().toString('hex').toUpperCase()}>`,
    );
  });

  it('wraps at the margin, cuts a word longer than a line, and flows onto new pages', () => {
    const long = 'W'.repeat(120);
    const lines = [
      { text: `${'word '.repeat(60)}end` },
      { text: long, bold: true },
      ...Array.from({ length: 80 }, (_, i) => ({ text: `line ${i}` })),
    ];
    const pdf = textPdf({ title: 't', lines });
    const text = readPdfText(pdf);
    expect(text.join(' ').replace(/\s+/g, ' ')).toContain(`${'word '.repeat(60)}end`.trim());
    expect(text.filter((t) => /^W+$/.test(t)).join('')).toBe(long);
    expect(text.filter((t) => /^W+$/.test(t)).length).toBeGreaterThan(1);
    expect(text.slice(-80)).toEqual(Array.from({ length: 80 }, (_, i) => `line ${i}`));
    expect(pdfPageCount(pdf)).toBe(2);
    // No line is drawn below the bottom margin.
    const ys = [...pdf.toString('latin1').matchAll(/ Td \(/g)].length;
    expect(ys).toBe(text.length);
    for (const m of pdf.toString('latin1').matchAll(/56 (-?[\d.]+) Td/g))
      expect(Number(m[1])).toBeGreaterThanOrEqual(56);
  });
});
