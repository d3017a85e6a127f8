import { describe, expect, it } from 'vitest';
import { mandatePdf, type MandateDocumentData } from '../../api/services/mandate-document.js';
import { templateLanguage } from '../../workflows/shared/language.js';
import { readPdfText } from '../helpers/pdf.js';

describe('the mandate document’s language', () => {
  const data: MandateDocumentData = {
    mandateId: 'm-1',
    revision: 1,
    language: 'de',
    companyName: 'Autohaus Eupen',
    enterpriseNumber: '0403170701',
    clientCode: 'C-1',
    iban: 'BE35310123456737',
    bankName: 'ING Belgium',
    isKbcGroup: false,
    officeName: 'Fiduciaire Dupont',
    generatedAt: new Date('2027-01-04T10:00:00Z'),
  };

  it('falls back from de to fr, as the e-mails do', () => {
    expect(templateLanguage('de')).toBe('fr');
    expect(readPdfText(mandatePdf(data))).toEqual(readPdfText(mandatePdf({ ...data, language: 'fr' })));
    expect(readPdfText(mandatePdf(data))[0]).toBe('Mandat de transmission des extraits bancaires (CODA)');
  });
});
