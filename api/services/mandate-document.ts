import { textPdf, type PdfLine } from '../../lib/pdf/text-pdf.js';
import { templateLanguage, type Language } from '../../workflows/shared/language.js';

export interface MandateDocumentData {
  mandateId: string;
  revision: number;
  language: Language;
  companyName: string;
  enterpriseNumber: string | null;
  clientCode: string;
  iban: string;
  bankName: string;
  isKbcGroup: boolean;
  officeName: string;
  generatedAt: Date;
}

const TEXT = {
  fr: {
    title: 'Mandat de transmission des extraits bancaires (CODA)',
    labels: [
      'Société',
      'Numéro d’entreprise',
      'Code client',
      'Compte',
      'Banque',
      'Bureau comptable',
      'Référence du mandat',
      'Établi le',
    ],
    missing: '(à compléter)',
    body: (v: MandateDocumentData) =>
      `Le titulaire du compte autorise ${v.bankName} à transmettre chaque jour les extraits du compte ci-dessus, au format CODA, au bureau comptable ${v.officeName}, jusqu’à révocation écrite.`,
    how: (v: MandateDocumentData) =>
      v.isKbcGroup
        ? `Chez ${v.bankName}, ce mandat est donné en liant le compte dans l’application bancaire (utilisateurs professionnels).`
        : 'Signature électronique du titulaire ou de son représentant autorisé :',
  },
  nl: {
    title: 'Mandaat voor de levering van bankafschriften (CODA)',
    labels: [
      'Onderneming',
      'Ondernemingsnummer',
      'Klantcode',
      'Rekening',
      'Bank',
      'Boekhoudkantoor',
      'Referentie van het mandaat',
      'Opgemaakt op',
    ],
    missing: '(aan te vullen)',
    body: (v: MandateDocumentData) =>
      `De rekeninghouder machtigt ${v.bankName} om de afschriften van bovenstaande rekening dagelijks in CODA-formaat te leveren aan het boekhoudkantoor ${v.officeName}, tot schriftelijke herroeping.`,
    how: (v: MandateDocumentData) =>
      v.isKbcGroup
        ? `Bij ${v.bankName} wordt dit mandaat gegeven door de rekening te koppelen in de bankapp (professionele gebruikers).`
        : 'Elektronische handtekening van de rekeninghouder of zijn gemachtigde vertegenwoordiger:',
  },
  en: {
    title: 'Mandate for the delivery of bank statements (CODA)',
    labels: [
      'Company',
      'Enterprise number',
      'Client code',
      'Account',
      'Bank',
      'Accounting office',
      'Mandate reference',
      'Issued on',
    ],
    missing: '(to be completed)',
    body: (v: MandateDocumentData) =>
      `The account holder authorises ${v.bankName} to deliver the statements of the account above daily, in CODA format, to the accounting office ${v.officeName}, until revoked in writing.`,
    how: (v: MandateDocumentData) =>
      v.isKbcGroup
        ? `With ${v.bankName}, this mandate is given by linking the account in the banking app (professional users).`
        : 'Electronic signature of the account holder or their authorised representative:',
  },
};

const formatIban = (iban: string) => iban.replace(/(.{4})/g, '$1 ').trim();
const formatEnterprise = (n: string) => `${n.slice(0, 4)}.${n.slice(4, 7)}.${n.slice(7)}`;

/** The mandate as a PDF, with the client's current data: regenerated at every download. */
export function mandatePdf(v: MandateDocumentData): Buffer {
  const t = TEXT[templateLanguage(v.language)];
  const values = [
    v.companyName,
    v.enterpriseNumber ? formatEnterprise(v.enterpriseNumber) : t.missing,
    v.clientCode,
    formatIban(v.iban),
    v.bankName,
    v.officeName,
    `${v.mandateId} / r${v.revision}`,
    v.generatedAt.toISOString().slice(0, 10),
  ];
  const lines: PdfLine[] = [
    { text: t.title, size: 14, bold: true },
    ...t.labels.map((label, i): PdfLine => ({ text: `${label}: ${values[i]}`, ...(i === 0 ? { gapBefore: 18 } : {}) })),
    { text: t.body(v), gapBefore: 18 },
    { text: t.how(v), gapBefore: 18 },
    ...(v.isKbcGroup ? [] : [{ text: '______________________________', gapBefore: 36 }]),
  ];
  return textPdf({ title: `${t.title} – ${v.companyName}`, lines });
}
