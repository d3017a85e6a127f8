/** Webhooks (issue 13): the office is told that the service disabled one of its endpoints. */
import { defineTemplate, fromService, GREETING } from './define.js';
import { facts, paragraph } from './layout.js';

export interface WebhookDisabledVars {
  officeName: string;
  /** The endpoint's address without its query string (which may hold a token of the receiver). */
  endpoint: string;
  /** gone: the receiver answered 410; failing: every retry over the schedule failed. */
  reason: 'gone' | 'failing';
  /** The last answer: `HTTP 500`, `ECONNREFUSED`, `no answer within 8000 ms`. */
  lastError: string;
}

export const webhookDisabled = defineTemplate<WebhookDisabledVars>({
  audience: 'office',
  content: {
    fr: (v) => ({
      subject: `Webhook désactivé : ${v.endpoint}`,
      preview: 'Votre logiciel ne reçoit plus les événements de vos dossiers.',
      greeting: GREETING.fr,
      blocks: [
        paragraph(
          v.reason === 'gone'
            ? 'Le destinataire de ce webhook a répondu 410 (Gone) : nous l’avons désactivé et n’y envoyons plus rien.'
            : 'Les envois vers ce webhook échouent depuis plusieurs jours, malgré chaque nouvel essai : nous l’avons désactivé.',
        ),
        facts(['Adresse', v.endpoint], ['Dernière réponse', v.lastError]),
        paragraph(
          'Une fois le destinataire réparé, réactivez le webhook (PATCH enabled=true) : les envois reprennent là où ils s’étaient arrêtés, et les événements en échec peuvent être renvoyés.',
        ),
      ],
      signature: fromService.fr,
    }),
    nl: (v) => ({
      subject: `Webhook uitgeschakeld: ${v.endpoint}`,
      preview: 'Uw software ontvangt de gebeurtenissen van uw dossiers niet meer.',
      greeting: GREETING.nl,
      blocks: [
        paragraph(
          v.reason === 'gone'
            ? 'De ontvanger van deze webhook antwoordde 410 (Gone): we hebben hem uitgeschakeld en sturen er niets meer naartoe.'
            : 'Verzendingen naar deze webhook mislukken al enkele dagen, ondanks elke nieuwe poging: we hebben hem uitgeschakeld.',
        ),
        facts(['Adres', v.endpoint], ['Laatste antwoord', v.lastError]),
        paragraph(
          'Zodra de ontvanger hersteld is, schakelt u de webhook weer in (PATCH enabled=true): de verzendingen gaan verder waar ze stopten, en mislukte gebeurtenissen kunnen opnieuw verstuurd worden.',
        ),
      ],
      signature: fromService.nl,
    }),
    en: (v) => ({
      subject: `Webhook disabled: ${v.endpoint}`,
      preview: 'Your software no longer receives the events of your cases.',
      greeting: GREETING.en,
      blocks: [
        paragraph(
          v.reason === 'gone'
            ? 'The receiver of this webhook answered 410 (Gone): we disabled it and send it nothing more.'
            : 'Deliveries to this webhook have failed for days, through every retry: we disabled it.',
        ),
        facts(['Address', v.endpoint], ['Last answer', v.lastError]),
        paragraph(
          'Once the receiver is repaired, enable the webhook again (PATCH enabled=true): deliveries resume where they stopped, and the failed events can be redelivered.',
        ),
      ],
      signature: fromService.en,
    }),
  },
});
