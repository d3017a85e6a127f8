/**
 * Journey 3, PSD2 consent renewal (docs/domain.md#journey-3-consent-renewal): reminders to the connection owner
 * 15, 3 and 1 days before the deadline, and the expiry notices to the owner and the office.
 */
import type { InvitationStatus } from '../../../workflows/consent-renewal/rules.js';
import { defineTemplate, fromService, GREETING, onBehalfOf } from './define.js';
import { button, facts, heading, note, paragraph, steps, type Block } from './layout.js';
import { formatDate, maskIban, type IsoDate, type TemplateLanguage } from './language.js';

interface ConnectionFacts {
  /** The aggregator the owner connected through, as shown to users (e.g. "Ponto"). */
  provider: string;
  bankName: string | null;
  ibans: string[];
  /** The consent's deadline ("connected until"). */
  validUntil: IsoDate;
}

const LABELS: Record<
  TemplateLanguage,
  { client: string; bank: string; accounts: string; until: string; expired: string; provider: string }
> = {
  fr: {
    client: 'Client',
    bank: 'Banque',
    accounts: 'Comptes',
    until: 'Connecté jusqu’au',
    expired: 'Expiré le',
    provider: 'Agrégateur',
  },
  nl: {
    client: 'Klant',
    bank: 'Bank',
    accounts: 'Rekeningen',
    until: 'Verbonden tot',
    expired: 'Verlopen op',
    provider: 'Aggregator',
  },
  en: {
    client: 'Client',
    bank: 'Bank',
    accounts: 'Accounts',
    until: 'Connected until',
    expired: 'Expired on',
    provider: 'Aggregator',
  },
};

function connectionFacts(
  l: TemplateLanguage,
  v: ConnectionFacts,
  opts: { expired: boolean; companyName?: string | null },
): Block {
  const t = LABELS[l];
  const rows: [string, string][] = [];
  if (opts.companyName) rows.push([t.client, opts.companyName]);
  if (v.bankName) rows.push([t.bank, v.bankName]);
  rows.push([t.accounts, v.ibans.map(maskIban).join(', ')]);
  if (opts.expired) rows.push([t.provider, v.provider]);
  rows.push([opts.expired ? t.expired : t.until, formatDate(v.validUntil, l)]);
  return facts(...rows);
}

/** How the owner renews at the aggregator (docs/domain.md#journey-3-consent-renewal: "Autorisatie vernieuwen"). */
const renewSteps = (l: TemplateLanguage, provider: string, expired: boolean): Block[] =>
  ({
    fr: [
      heading(expired ? 'Comment rétablir la connexion' : 'Comment renouveler'),
      steps(
        `Connectez-vous à ${provider} et ouvrez vos comptes bancaires.`,
        'Sélectionnez le compte et choisissez « Renouveler l’autorisation ».',
        'Suivez les étapes de votre banque : identifiez-vous avec votre lecteur de carte ou itsme, puis confirmez les comptes.',
        expired
          ? 'C’est fait : votre comptable reçoit à nouveau vos transactions.'
          : 'C’est fait : votre comptable continue à recevoir vos transactions sans interruption.',
      ),
    ],
    nl: [
      heading(expired ? 'Zo herstelt u de koppeling' : 'Zo vernieuwt u de koppeling'),
      steps(
        `Meld u aan bij ${provider} en open uw bankrekeningen.`,
        'Selecteer de rekening en kies "Autorisatie vernieuwen".',
        'Volg de stappen van uw bank: meld u aan met uw kaartlezer of itsme en bevestig de rekeningen.',
        expired
          ? 'Klaar: uw boekhouder ontvangt uw transacties opnieuw.'
          : 'Klaar: uw boekhouder blijft uw transacties zonder onderbreking ontvangen.',
      ),
    ],
    en: [
      heading(expired ? 'How to restore the connection' : 'How to renew'),
      steps(
        `Sign in to ${provider} and open your bank accounts.`,
        'Select the account and choose "Renew authorisation".',
        'Follow your bank’s steps: sign in with your card reader or itsme, then confirm the accounts.',
        expired
          ? 'Done: your accountant receives your transactions again.'
          : 'Done: your accountant keeps receiving your transactions without interruption.',
      ),
    ],
  })[l];

type ReminderVars = ConnectionFacts & {
  daysBefore: number;
  /** A reminder given in a smaller unit than days (`2h`, `20s`): the subject says that time instead of days. */
  beforeMs?: number;
  officeName: string;
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Each unit's length and its words (one, many), largest first. */
const UNITS: [number, Record<TemplateLanguage, [string, string]>][] = [
  [86_400_000, { fr: ['jour', 'jours'], nl: ['dag', 'dagen'], en: ['day', 'days'] }],
  [3_600_000, { fr: ['heure', 'heures'], nl: ['uur', 'uur'], en: ['hour', 'hours'] }],
  [60_000, { fr: ['minute', 'minutes'], nl: ['minuut', 'minuten'], en: ['minute', 'minutes'] }],
  [1_000, { fr: ['seconde', 'secondes'], nl: ['seconde', 'seconden'], en: ['second', 'seconds'] }],
];

/**
 * "3 days", or for a reminder given in a smaller unit its exact time in the largest unit that divides it ("2 hours").
 */
function timeLeft(l: TemplateLanguage, v: ReminderVars): string {
  const ms = v.beforeMs;
  if (ms === undefined) return plural(v.daysBefore, ...UNITS[0]![1][l]);
  const [size, words] = UNITS.find(([size]) => ms % size === 0) ?? UNITS.at(-1)!;
  return plural(Math.max(1, Math.round(ms / size)), ...words[l]);
}

export const consentReminder = defineTemplate<ReminderVars>({
  audience: 'connection-owner',
  content: {
    fr: (v) => ({
      subject: `Votre connexion bancaire expire dans ${timeLeft('fr', v)}`,
      preview: `Renouvelez-la avant le ${formatDate(v.validUntil, 'fr')} pour que votre comptable continue à recevoir vos transactions.`,
      greeting: GREETING.fr,
      blocks: [
        paragraph(
          `Votre consentement pour la connexion bancaire avec votre comptable, ${v.officeName}, est valable jusqu’au ${formatDate(v.validUntil, 'fr')}. Renouvelez-le avant cette date, sinon votre comptable ne recevra plus vos transactions.`,
        ),
        connectionFacts('fr', v, { expired: false }),
        ...renewSteps('fr', v.provider, false),
        paragraph('Renouvelez quelques jours à l’avance : en cas de problème, il restera du temps pour le résoudre.'),
      ],
      signature: onBehalfOf.fr(v.officeName),
    }),
    nl: (v) => ({
      subject: `Uw bankkoppeling verloopt over ${timeLeft('nl', v)}`,
      preview: `Vernieuw ze vóór ${formatDate(v.validUntil, 'nl')}, zodat uw boekhouder uw transacties blijft ontvangen.`,
      greeting: GREETING.nl,
      blocks: [
        paragraph(
          `Uw toestemming voor de bankkoppeling met uw boekhouder, ${v.officeName}, is geldig tot ${formatDate(v.validUntil, 'nl')}. Vernieuw ze vóór die datum, anders ontvangt uw boekhouder uw transacties niet meer.`,
        ),
        connectionFacts('nl', v, { expired: false }),
        ...renewSteps('nl', v.provider, false),
        paragraph('Vernieuw enkele dagen op voorhand: loopt er iets mis, dan blijft er tijd om het op te lossen.'),
      ],
      signature: onBehalfOf.nl(v.officeName),
    }),
    en: (v) => ({
      subject: `Your bank connection expires in ${timeLeft('en', v)}`,
      preview: `Renew it before ${formatDate(v.validUntil, 'en')} so that your accountant keeps receiving your transactions.`,
      greeting: GREETING.en,
      blocks: [
        paragraph(
          `Your consent for the bank connection with your accountant, ${v.officeName}, is valid until ${formatDate(v.validUntil, 'en')}. Renew it before then, or your accountant stops receiving your transactions.`,
        ),
        connectionFacts('en', v, { expired: false }),
        ...renewSteps('en', v.provider, false),
        paragraph('Renew a few days ahead: if anything goes wrong, there is still time to fix it.'),
      ],
      signature: onBehalfOf.en(v.officeName),
    }),
  },
});

export const consentExpiredOwner = defineTemplate<ConnectionFacts & { officeName: string }>({
  audience: 'connection-owner',
  content: {
    fr: (v) => ({
      subject: 'Votre connexion bancaire a expiré',
      preview: `Depuis le ${formatDate(v.validUntil, 'fr')}, votre comptable ne reçoit plus vos transactions.`,
      greeting: GREETING.fr,
      blocks: [
        paragraph(
          `Le consentement pour la connexion bancaire avec votre comptable, ${v.officeName}, a expiré le ${formatDate(v.validUntil, 'fr')}. Votre comptable ne reçoit plus vos transactions.`,
        ),
        connectionFacts('fr', v, { expired: true }),
        ...renewSteps('fr', v.provider, true),
      ],
      signature: onBehalfOf.fr(v.officeName),
    }),
    nl: (v) => ({
      subject: 'Uw bankkoppeling is verlopen',
      preview: `Sinds ${formatDate(v.validUntil, 'nl')} ontvangt uw boekhouder uw transacties niet meer.`,
      greeting: GREETING.nl,
      blocks: [
        paragraph(
          `De toestemming voor de bankkoppeling met uw boekhouder, ${v.officeName}, is verlopen op ${formatDate(v.validUntil, 'nl')}. Uw boekhouder ontvangt uw transacties niet meer.`,
        ),
        connectionFacts('nl', v, { expired: true }),
        ...renewSteps('nl', v.provider, true),
      ],
      signature: onBehalfOf.nl(v.officeName),
    }),
    en: (v) => ({
      subject: 'Your bank connection has expired',
      preview: `Since ${formatDate(v.validUntil, 'en')}, your accountant no longer receives your transactions.`,
      greeting: GREETING.en,
      blocks: [
        paragraph(
          `The consent for the bank connection with your accountant, ${v.officeName}, expired on ${formatDate(v.validUntil, 'en')}. Your accountant no longer receives your transactions.`,
        ),
        connectionFacts('en', v, { expired: true }),
        ...renewSteps('en', v.provider, true),
      ],
      signature: onBehalfOf.en(v.officeName),
    }),
  },
});

export interface ExpiredOfficeVars extends ConnectionFacts {
  /** The client the connection belongs to, when known. */
  companyName: string | null;
  /** Whether the owner was e-mailed too (false: no address on file). */
  ownerNotified: boolean;
}

const who = (v: ExpiredOfficeVars) => v.companyName ?? v.ibans.map(maskIban).join(', ');

export const consentExpiredOffice = defineTemplate<ExpiredOfficeVars>({
  audience: 'office',
  content: {
    fr: (v) => ({
      subject: `Connexion bancaire expirée : ${who(v)}`,
      preview: `Depuis le ${formatDate(v.validUntil, 'fr')}, plus aucune transaction n’est récupérée pour ces comptes.`,
      greeting: GREETING.fr,
      blocks: [
        paragraph(
          `Le consentement pour la connexion bancaire ci-dessous a expiré le ${formatDate(v.validUntil, 'fr')} : plus aucune transaction n’est récupérée pour ces comptes.`,
        ),
        connectionFacts('fr', v, { expired: true, companyName: v.companyName }),
        paragraph(
          v.ownerNotified
            ? 'Nous avons expliqué au titulaire de la connexion comment la renouveler auprès de sa banque.'
            : 'Nous n’avons pas pu prévenir le titulaire de la connexion : aucune adresse e-mail n’est enregistrée. Merci de le contacter.',
        ),
        paragraph('Dès que le titulaire renouvelle son consentement, la connexion reprend avec la nouvelle échéance.'),
      ],
      signature: fromService.fr,
    }),
    nl: (v) => ({
      subject: `Bankkoppeling verlopen: ${who(v)}`,
      preview: `Sinds ${formatDate(v.validUntil, 'nl')} worden er voor deze rekeningen geen transacties meer opgehaald.`,
      greeting: GREETING.nl,
      blocks: [
        paragraph(
          `De toestemming voor onderstaande bankkoppeling is verlopen op ${formatDate(v.validUntil, 'nl')}: voor deze rekeningen worden geen transacties meer opgehaald.`,
        ),
        connectionFacts('nl', v, { expired: true, companyName: v.companyName }),
        paragraph(
          v.ownerNotified
            ? 'We hebben de eigenaar van de koppeling uitgelegd hoe hij ze bij zijn bank vernieuwt.'
            : 'We konden de eigenaar van de koppeling niet verwittigen: er is geen e-mailadres geregistreerd. Neem contact met hem op.',
        ),
        paragraph('Zodra de eigenaar zijn toestemming vernieuwt, werkt de koppeling weer, met de nieuwe deadline.'),
      ],
      signature: fromService.nl,
    }),
    en: (v) => ({
      subject: `Bank connection expired: ${who(v)}`,
      preview: `Since ${formatDate(v.validUntil, 'en')}, no transactions are fetched for these accounts.`,
      greeting: GREETING.en,
      blocks: [
        paragraph(
          `The consent for the bank connection below expired on ${formatDate(v.validUntil, 'en')}: no transactions are fetched for these accounts any more.`,
        ),
        connectionFacts('en', v, { expired: true, companyName: v.companyName }),
        paragraph(
          v.ownerNotified
            ? 'We told the connection owner how to renew it at their bank.'
            : 'We could not tell the connection owner: no e-mail address is on file. Please contact them.',
        ),
        paragraph('As soon as the owner renews the consent, the connection resumes with the new deadline.'),
      ],
      signature: fromService.en,
    }),
  },
});

/**
 * Why the owner is invited again (docs/domain.md#journey-3-consent-renewal): the aggregator no longer finds the
 * account, or lost access to the user's app.
 */
export type InvitationReason = InvitationStatus;

type InvitationVars = ConnectionFacts & {
  officeName: string;
  reason: InvitationReason;
  invitationUrl: string;
  linkExpiresAt: IsoDate;
};

const WHAT_HAPPENED: Record<TemplateLanguage, (v: InvitationVars) => string> = {
  fr: (v) =>
    v.reason === 'account_not_found'
      ? `${v.provider} ne retrouve plus le compte bancaire connecté pour votre comptable, ${v.officeName}. Votre comptable ne reçoit donc plus vos transactions pour ce compte.`
      : `Le service n’a plus accès à votre application ${v.provider} : votre comptable, ${v.officeName}, ne reçoit donc plus vos transactions.`,
  nl: (v) =>
    v.reason === 'account_not_found'
      ? `${v.provider} vindt de gekoppelde bankrekening voor uw boekhouder, ${v.officeName}, niet meer terug. Uw boekhouder ontvangt voor deze rekening dus geen transacties meer.`
      : `De dienst heeft geen toegang meer tot uw ${v.provider}-app: uw boekhouder, ${v.officeName}, ontvangt uw transacties dus niet meer.`,
  en: (v) =>
    v.reason === 'account_not_found'
      ? `${v.provider} can no longer find the bank account connected for your accountant, ${v.officeName}, so your accountant no longer receives its transactions.`
      : `The service has lost access to your ${v.provider} app, so your accountant, ${v.officeName}, no longer receives your transactions.`,
};

export const consentInvitation = defineTemplate<InvitationVars>({
  audience: 'connection-owner',
  content: {
    fr: (v) => ({
      subject:
        v.reason === 'account_not_found'
          ? 'Votre connexion bancaire doit être réparée'
          : 'Nouvelle invitation : reconnectez votre banque',
      preview: `Reconnectez-vous via ${v.provider} pour que votre comptable reçoive à nouveau vos transactions.`,
      greeting: GREETING.fr,
      blocks: [
        paragraph(WHAT_HAPPENED.fr(v)),
        connectionFacts('fr', v, { expired: false }),
        heading('Comment rétablir la connexion'),
        steps(
          'Ouvrez l’invitation avec le bouton ci-dessous.',
          `Connectez-vous à ${v.provider} et sélectionnez le ou les comptes à connecter.`,
          'Suivez les étapes de votre banque : identifiez-vous avec votre lecteur de carte ou itsme, puis confirmez.',
        ),
        button('Accepter l’invitation', v.invitationUrl),
        paragraph(`Ce lien est personnel et valable jusqu’au ${formatDate(v.linkExpiresAt, 'fr')}.`),
        note(`Vous n’attendiez pas cet e-mail ? Vérifiez auprès de ${v.officeName} avant de continuer.`),
      ],
      signature: onBehalfOf.fr(v.officeName),
    }),
    nl: (v) => ({
      subject:
        v.reason === 'account_not_found'
          ? 'Uw bankkoppeling moet hersteld worden'
          : 'Nieuwe uitnodiging: koppel uw bank opnieuw',
      preview: `Koppel opnieuw via ${v.provider}, zodat uw boekhouder uw transacties weer ontvangt.`,
      greeting: GREETING.nl,
      blocks: [
        paragraph(WHAT_HAPPENED.nl(v)),
        connectionFacts('nl', v, { expired: false }),
        heading('Zo herstelt u de koppeling'),
        steps(
          'Open de uitnodiging met de knop hieronder.',
          `Meld u aan bij ${v.provider} en selecteer de rekening(en) die u wilt koppelen.`,
          'Volg de stappen van uw bank: meld u aan met uw kaartlezer of itsme en bevestig.',
        ),
        button('Uitnodiging aanvaarden', v.invitationUrl),
        paragraph(`Deze link is persoonlijk en geldig tot ${formatDate(v.linkExpiresAt, 'nl')}.`),
        note(`Verwachtte u deze e-mail niet? Vraag het na bij ${v.officeName} voor u verdergaat.`),
      ],
      signature: onBehalfOf.nl(v.officeName),
    }),
    en: (v) => ({
      subject:
        v.reason === 'account_not_found'
          ? 'Your bank connection needs repairing'
          : 'New invitation: reconnect your bank',
      preview: `Reconnect through ${v.provider} so that your accountant receives your transactions again.`,
      greeting: GREETING.en,
      blocks: [
        paragraph(WHAT_HAPPENED.en(v)),
        connectionFacts('en', v, { expired: false }),
        heading('How to restore the connection'),
        steps(
          'Open the invitation with the button below.',
          `Sign in to ${v.provider} and select the account(s) to connect.`,
          'Follow your bank’s steps: sign in with your card reader or itsme, then confirm.',
        ),
        button('Accept the invitation', v.invitationUrl),
        paragraph(`This link is personal and valid until ${formatDate(v.linkExpiresAt, 'en')}.`),
        note(`Not expecting this e-mail? Check with ${v.officeName} before you continue.`),
      ],
      signature: onBehalfOf.en(v.officeName),
    }),
  },
});
