/**
 * Journey 2, CARO: what the accountant is told when an activation fails, one guidance per
 * reason (docs/domain.md#journey-2-caro-activation). Keyed by the database enum, so a new reason without guidance does
 * not compile.
 */
import type { CaroProblemReason } from '../../../prisma/generated/enums.js';
import { defineTemplate, fromService, GREETING } from './define.js';
import { facts, heading, list, paragraph, type Block } from './layout.js';
import { templateLanguage, type TemplateLanguage } from './language.js';

export type CaroFailureReason = CaroProblemReason;

interface Guidance {
  title: string;
  cause: string;
  todo: string[];
}

const GUIDANCE: Record<TemplateLanguage, Record<CaroFailureReason, Guidance>> = {
  fr: {
    online_payments_disabled: {
      title: 'paiements en ligne désactivés',
      cause:
        'La carte ne permet pas les paiements en ligne, ou elle a été bloquée temporairement dans l’application bancaire.',
      todo: [
        'Vérifiez avec le titulaire s’il peut payer en ligne avec cette carte. Sinon, il demande à sa banque d’activer les paiements en ligne.',
        'S’il le peut, vérifiez s’il a bloqué temporairement la carte dans son application bancaire, et invitez-le à la débloquer.',
        'La modification peut prendre quelques minutes avant d’être effective à la banque : le titulaire réessaie ensuite l’activation.',
      ],
    },
    card_not_linked_to_reference: {
      title: 'la carte ne correspond pas à la référence client',
      cause: 'Le numéro de carte saisi ne correspond pas à la référence client pour laquelle vous avez commandé CARO.',
      todo: [
        'Demandez au titulaire de vérifier la référence client et le numéro de carte sur son relevé de carte de crédit.',
        'Si la référence commandée est erronée, commandez CARO à nouveau avec la bonne référence : une référence client ne peut pas être modifiée.',
        'Sinon, le titulaire réessaie avec la carte qui correspond à la référence.',
      ],
    },
    debit_card: {
      title: 'carte de débit utilisée',
      cause: 'Le titulaire a utilisé une carte de débit (VISA Debit). Seules les cartes de crédit fonctionnent.',
      todo: [
        'Demandez-lui d’utiliser sa carte de crédit : elle porte la mention « Crédit », une carte de débit la mention « Débit ».',
        'Il réessaie ensuite avec le même lien d’activation.',
      ],
    },
    technical_or_data_error: {
      title: 'erreur technique ou de données',
      cause: 'Des données incorrectes ont été saisies, ou une erreur technique s’est produite.',
      todo: [
        'Le numéro de carte, la date d’expiration et le code de sécurité (tous sur la carte).',
        'Le code PIN.',
        'La validité de la carte : est-elle expirée ou bloquée ?',
        'Une carte toute neuve doit d’abord être utilisée une fois, à un distributeur ou dans un magasin, avant de pouvoir être activée.',
      ],
    },
  },
  nl: {
    online_payments_disabled: {
      title: 'online betalingen uitgeschakeld',
      cause: 'Met de kaart kan niet online betaald worden, of ze werd tijdelijk geblokkeerd in de bankapp.',
      todo: [
        'Vraag de kaarthouder of hij online kan betalen met deze kaart. Zo niet, dan vraagt hij zijn bank om online betalingen te activeren.',
        'Kan dat wel, controleer dan of hij de kaart tijdelijk blokkeerde in zijn bankapp, en vraag hem ze te deblokkeren.',
        'Het kan enkele minuten duren voor de wijziging bij de bank actief is: daarna probeert de kaarthouder de activatie opnieuw.',
      ],
    },
    card_not_linked_to_reference: {
      title: 'kaart hoort niet bij de klantreferentie',
      cause: 'Het ingevoerde kaartnummer hoort niet bij de klantreferentie waarvoor u CARO bestelde.',
      todo: [
        'Vraag de kaarthouder de klantreferentie en het kaartnummer op zijn kredietkaartafschrift te controleren.',
        'Is de bestelde referentie fout, bestel CARO dan opnieuw met de juiste: een klantreferentie kan niet gewijzigd worden.',
        'Anders probeert de kaarthouder opnieuw met de kaart die bij de referentie hoort.',
      ],
    },
    debit_card: {
      title: 'debetkaart gebruikt',
      cause: 'De kaarthouder gebruikte een debetkaart (VISA Debit). Alleen kredietkaarten werken.',
      todo: [
        'Vraag hem zijn kredietkaart te gebruiken: daarop staat "Credit", op een debetkaart "Debit".',
        'Daarna probeert hij opnieuw met dezelfde activatielink.',
      ],
    },
    technical_or_data_error: {
      title: 'technische of gegevensfout',
      cause: 'Er werden foute gegevens ingevoerd, of er trad een technische fout op.',
      todo: [
        'Het kaartnummer, de vervaldatum en de veiligheidscode (alle drie op de kaart).',
        'De pincode.',
        'De geldigheid van de kaart: is ze vervallen of geblokkeerd?',
        'Een gloednieuwe kaart moet eerst één keer gebruikt worden, aan een geldautomaat of in een winkel, voor ze geactiveerd kan worden.',
      ],
    },
  },
  en: {
    online_payments_disabled: {
      title: 'online payments disabled',
      cause: 'The card cannot pay online, or it was temporarily blocked in the banking app.',
      todo: [
        'Check with the cardholder whether they can pay online with this card. If not, they ask their bank to enable online payments.',
        'If they can, check whether they temporarily blocked the card in their banking app, and ask them to unblock it.',
        'The change may take a few minutes to reach the bank’s systems: the cardholder then retries the activation.',
      ],
    },
    card_not_linked_to_reference: {
      title: 'card does not match the client reference',
      cause: 'The card number entered does not belong to the client reference you ordered CARO for.',
      todo: [
        'Ask the cardholder to check the client reference and the card number on their credit card statement.',
        'If the reference you ordered is wrong, order CARO again with the right one: a client reference cannot be edited.',
        'Otherwise, the cardholder retries with the card that matches the reference.',
      ],
    },
    debit_card: {
      title: 'debit card used',
      cause: 'The cardholder used a debit card (VISA Debit). Only credit cards work.',
      todo: [
        'Ask them to use their credit card: it says "Credit", a debit card says "Debit".',
        'They then retry with the same activation link.',
      ],
    },
    technical_or_data_error: {
      title: 'technical or data error',
      cause: 'Incorrect data was entered, or a technical error occurred.',
      todo: [
        'The card number, expiry date and security code (all on the card).',
        'The PIN.',
        'Whether the card is still valid: expired or blocked?',
        'A brand-new card must first be used once, at an ATM or in a shop, before it can be activated.',
      ],
    },
  },
};

const TEXT: Record<
  TemplateLanguage,
  {
    subject: (company: string, ref: string, title: string) => string;
    failed: (ref: string) => string;
    labels: [string, string, string];
    todo: string;
    check: string;
    after: string;
  }
> = {
  fr: {
    subject: (c, r, title) => `Échec de l’activation CARO : ${c} (${r}) – ${title}`,
    failed: (ref) =>
      `Le titulaire de la carte a tenté d’activer les relevés de la référence client ${ref}, mais l’activation a échoué.`,
    labels: ['Client', 'Référence client', 'Cause'],
    todo: 'Que faire ?',
    check: 'Invitez le titulaire de la carte à vérifier :',
    after:
      'Une fois la cause corrigée, le titulaire peut réessayer ; si le lien d’activation ne fonctionne plus, demandez au support de relancer l’activation.',
  },
  nl: {
    subject: (c, r, title) => `CARO-activatie mislukt: ${c} (${r}) – ${title}`,
    failed: (ref) =>
      `De kaarthouder probeerde de afschriften voor klantreferentie ${ref} te activeren, maar de activatie is mislukt.`,
    labels: ['Klant', 'Klantreferentie', 'Oorzaak'],
    todo: 'Wat te doen?',
    check: 'Vraag de kaarthouder te controleren:',
    after:
      'Zodra de oorzaak verholpen is, kan de kaarthouder het opnieuw proberen; werkt de activatielink niet meer, vraag support dan de activatie opnieuw te starten.',
  },
  en: {
    subject: (c, r, title) => `CARO activation failed: ${c} (${r}) – ${title}`,
    failed: (ref) =>
      `The cardholder tried to activate the statements for client reference ${ref}, but the activation failed.`,
    labels: ['Client', 'Client reference', 'Cause'],
    todo: 'What to do',
    check: 'Ask the cardholder to check:',
    after:
      'Once the cause is fixed, the cardholder can try again; if the activation link no longer works, ask support to replay the activation.',
  },
};

export interface CaroFailureVars {
  companyName: string;
  clientReference: string;
  reason: CaroFailureReason;
}

function failureContent(l: TemplateLanguage, v: CaroFailureVars) {
  const t = TEXT[l];
  const g = GUIDANCE[l][v.reason];
  const blocks: Block[] = [
    paragraph(t.failed(v.clientReference)),
    facts([t.labels[0], v.companyName], [t.labels[1], v.clientReference], [t.labels[2], g.title]),
    paragraph(g.cause),
    heading(t.todo),
    ...(v.reason === 'technical_or_data_error' ? [paragraph(t.check)] : []),
    list(...g.todo),
    paragraph(t.after),
  ];
  return {
    subject: t.subject(v.companyName, v.clientReference, g.title),
    preview: g.cause,
    greeting: GREETING[l],
    blocks,
    signature: fromService[l],
  };
}

export const caroFailure = defineTemplate<CaroFailureVars>({
  audience: 'office',
  content: {
    fr: (v) => failureContent('fr', v),
    nl: (v) => failureContent('nl', v),
    en: (v) => failureContent('en', v),
  },
});

/** The accountant-facing guidance for `reason`, in `language` (with the template fallback): for the API's answer. */
export function caroGuidance(reason: CaroFailureReason, language: string): Guidance & { language: TemplateLanguage } {
  const l = templateLanguage(language);
  return { ...GUIDANCE[l][reason], language: l };
}
