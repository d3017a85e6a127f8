/**
 * Journey 2, CARO activation (docs/domain.md#journey-2-caro-activation): the warning the office sends before
 * ordering, the cardholder's invitation (link, or KBC/CBC app steps), reminders, confirmation.
 * (The accountant's guidance for each failure reason is in caro-failure.ts.)
 */
import { bankAppSteps } from './bank-app.js';
import { defineTemplate, GREETING, onBehalfOf, type KbcGroupBank, type ReminderCount } from './define.js';
import { button, facts, heading, list, note, paragraph, steps, type Block } from './layout.js';
import { formatDate, formatMonth, type IsoDate, type TemplateLanguage } from './language.js';

interface CaroCase {
  companyName: string;
  officeName: string;
  /** Printed on the card statement; the cardholder confirms it (never a card number). */
  clientReference: string;
}
export interface ActivationLink {
  kind: 'link';
  activationUrl: string;
  linkExpiresAt: IsoDate;
}
export interface ActivationInBankApp {
  kind: 'bank-app';
  bankName: KbcGroupBank;
}

const needs = (l: TemplateLanguage, reference: string): Block[] =>
  ({
    fr: [
      heading('Ce qu’il vous faut'),
      list(
        'votre carte de crédit ;',
        'votre lecteur de carte, pour signer auprès de votre banque ;',
        `la référence client ${reference}, imprimée sur votre relevé de carte de crédit.`,
      ),
    ],
    nl: [
      heading('Wat u nodig hebt'),
      list(
        'uw kredietkaart;',
        'uw kaartlezer, om bij uw bank te ondertekenen;',
        `de klantreferentie ${reference}, vermeld op uw kredietkaartafschrift.`,
      ),
    ],
    en: [
      heading('What you need'),
      list(
        'your credit card;',
        'your card reader, to sign at your bank;',
        `the client reference ${reference}, printed on your credit card statement.`,
      ),
    ],
  })[l];

const linkBlocks = (l: TemplateLanguage, a: ActivationLink): Block[] => {
  const until = formatDate(a.linkExpiresAt, l);
  return {
    fr: [
      heading('Comment faire'),
      steps(
        'Cliquez sur le bouton ci-dessous et confirmez la référence client.',
        'Lisez les conditions et acceptez-les.',
        'Saisissez les données de votre carte. Aucun montant n’est débité.',
        'Signez avec votre carte et votre lecteur de carte sur la page sécurisée de votre banque.',
      ),
      button('Activer', a.activationUrl),
      paragraph(
        `Ce lien est personnel et valable jusqu’au ${until}. Seules les cartes de crédit peuvent être activées, pas les cartes de débit (VISA Debit).`,
      ),
    ],
    nl: [
      heading('Zo werkt het'),
      steps(
        'Klik op de knop hieronder en bevestig de klantreferentie.',
        'Lees de voorwaarden en aanvaard ze.',
        'Vul de gegevens van uw kaart in. Er wordt niets aangerekend.',
        'Onderteken met uw kaart en kaartlezer op de beveiligde pagina van uw bank.',
      ),
      button('Activeren', a.activationUrl),
      paragraph(
        `Deze link is persoonlijk en geldig tot ${until}. Alleen kredietkaarten kunnen geactiveerd worden, geen debetkaarten (VISA Debit).`,
      ),
    ],
    en: [
      heading('How it works'),
      steps(
        'Click the button below and confirm the client reference.',
        'Read the terms and accept them.',
        'Enter your card details. Nothing is charged.',
        'Sign with your card and card reader on your bank’s secure page.',
      ),
      button('Activate', a.activationUrl),
      paragraph(
        `This link is personal and valid until ${until}. Only credit cards can be activated, not debit cards (VISA Debit).`,
      ),
    ],
  }[l];
};

const SELECT_CARD: Record<TemplateLanguage, (reference: string) => string> = {
  fr: (r) => `Sélectionnez la carte de crédit de la référence client ${r}.`,
  nl: (r) => `Selecteer de kredietkaart met klantreferentie ${r}.`,
  en: (r) => `Select the credit card with client reference ${r}.`,
};

const activationBlocks = (l: TemplateLanguage, v: CaroCase, a: ActivationLink | ActivationInBankApp): Block[] =>
  a.kind === 'link'
    ? [...needs(l, v.clientReference), ...linkBlocks(l, a)]
    : bankAppSteps(l, a.bankName, SELECT_CARD[l](v.clientReference));

const CONFIRMATION_FOLLOWS: Record<TemplateLanguage, string> = {
  fr: 'Vous recevrez une confirmation par e-mail dès que l’activation est terminée.',
  nl: 'U ontvangt een bevestiging per e-mail zodra de activatie voltooid is.',
  en: 'You will receive a confirmation by e-mail as soon as the activation is complete.',
};

export const caroPreorderWarning = defineTemplate<{ companyName: string; officeName: string; senderAddress: string }>({
  audience: 'cardholder',
  content: {
    fr: (v) => ({
      subject: 'Bientôt : un e-mail pour activer vos relevés de carte de crédit',
      preview: 'Cet e-mail est authentique : merci d’y donner suite.',
      greeting: GREETING.fr,
      blocks: [
        paragraph(
          `Pour tenir la comptabilité de ${v.companyName} à jour, nous allons recevoir les relevés de votre carte de crédit professionnelle directement de la banque. Vous recevrez à cet effet, dans les prochains jours, un e-mail d’activation envoyé par ${v.senderAddress}.`,
        ),
        paragraph(
          'Cet e-mail est envoyé à notre demande : ce n’est pas une tentative d’hameçonnage (phishing). Vous y confirmerez la référence client, accepterez les conditions, saisirez les données de votre carte (aucun montant n’est débité) et signerez avec votre lecteur de carte sur la page sécurisée de votre banque.',
        ),
        paragraph(
          'Gardez à portée de main : votre carte de crédit, votre lecteur de carte et votre dernier relevé de carte de crédit, où figure la référence client.',
        ),
        paragraph(
          'Si votre carte est une carte KBC ou CBC, vous recevrez plutôt les instructions pour activer le service dans votre application bancaire.',
        ),
        paragraph('Une question ? Répondez simplement à cet e-mail.'),
      ],
      signature: `Cordialement,\n${v.officeName}`,
      footer: 'none',
    }),
    nl: (v) => ({
      subject: 'Binnenkort: een e-mail om uw kredietkaartafschriften te activeren',
      preview: 'Deze e-mail is echt: gelieve er gevolg aan te geven.',
      greeting: GREETING.nl,
      blocks: [
        paragraph(
          `Om de boekhouding van ${v.companyName} bij te houden, gaan wij de afschriften van uw professionele kredietkaart rechtstreeks van de bank ontvangen. Daarvoor krijgt u de komende dagen een activatie-e-mail van ${v.senderAddress}.`,
        ),
        paragraph(
          'Die e-mail wordt op ons verzoek verstuurd: het is geen phishing. U bevestigt er de klantreferentie, aanvaardt de voorwaarden, vult uw kaartgegevens in (er wordt niets aangerekend) en ondertekent met uw kaartlezer op de beveiligde pagina van uw bank.',
        ),
        paragraph(
          'Houd bij de hand: uw kredietkaart, uw kaartlezer en uw laatste kredietkaartafschrift, waarop de klantreferentie staat.',
        ),
        paragraph(
          'Hebt u een kaart van KBC of CBC, dan krijgt u in de plaats instructies om de dienst in uw bankapp te activeren.',
        ),
        paragraph('Vragen? Antwoord gewoon op deze e-mail.'),
      ],
      signature: `Met vriendelijke groeten,\n${v.officeName}`,
      footer: 'none',
    }),
    en: (v) => ({
      subject: 'Coming soon: an e-mail to activate your credit card statements',
      preview: 'This e-mail is genuine: please act on it.',
      greeting: GREETING.en,
      blocks: [
        paragraph(
          `To keep the accounts of ${v.companyName} up to date, we are going to receive the statements of your business credit card directly from the bank. For that, you will receive an activation e-mail from ${v.senderAddress} in the coming days.`,
        ),
        paragraph(
          'That e-mail is sent at our request: it is not phishing. In it, you confirm the client reference, accept the terms, enter your card details (nothing is charged) and sign with your card reader on your bank’s secure page.',
        ),
        paragraph(
          'Please have at hand: your credit card, your card reader and your latest credit card statement, which shows the client reference.',
        ),
        paragraph(
          'If your card is a KBC or CBC card, you will instead receive instructions to activate the service in your banking app.',
        ),
        paragraph('Any question? Just reply to this e-mail.'),
      ],
      signature: `Kind regards,\n${v.officeName}`,
      footer: 'none',
    }),
  },
});

const intro = (l: TemplateLanguage, v: CaroCase) =>
  paragraph(
    {
      fr: `Votre comptable, ${v.officeName}, a commandé la transmission des relevés de votre carte de crédit professionnelle pour ${v.companyName}. Votre accord est nécessaire : merci d’activer le service.`,
      nl: `Uw boekhouder, ${v.officeName}, heeft de levering van de afschriften van uw professionele kredietkaart voor ${v.companyName} aangevraagd. Daarvoor is uw akkoord nodig: gelieve de dienst te activeren.`,
      en: `Your accountant, ${v.officeName}, has ordered the delivery of your business credit card statements for ${v.companyName}. Your agreement is needed: please activate the service.`,
    }[l],
  );

export const caroInvitation = defineTemplate<CaroCase & Omit<ActivationLink, 'kind'>>({
  audience: 'cardholder',
  content: {
    fr: (v) => ({
      subject: `Activez la transmission de vos relevés de carte de crédit à ${v.officeName}`,
      preview: 'Environ 5 minutes : gardez votre carte de crédit et votre lecteur de carte à portée de main.',
      greeting: GREETING.fr,
      blocks: [
        intro('fr', v),
        ...activationBlocks('fr', v, { kind: 'link', ...v }),
        paragraph(CONFIRMATION_FOLLOWS.fr),
      ],
      signature: onBehalfOf.fr(v.officeName),
    }),
    nl: (v) => ({
      subject: `Activeer de levering van uw kredietkaartafschriften aan ${v.officeName}`,
      preview: 'Ongeveer 5 minuten: houd uw kredietkaart en kaartlezer bij de hand.',
      greeting: GREETING.nl,
      blocks: [
        intro('nl', v),
        ...activationBlocks('nl', v, { kind: 'link', ...v }),
        paragraph(CONFIRMATION_FOLLOWS.nl),
      ],
      signature: onBehalfOf.nl(v.officeName),
    }),
    en: (v) => ({
      subject: `Activate the delivery of your credit card statements to ${v.officeName}`,
      preview: 'About 5 minutes: have your credit card and card reader at hand.',
      greeting: GREETING.en,
      blocks: [
        intro('en', v),
        ...activationBlocks('en', v, { kind: 'link', ...v }),
        paragraph(CONFIRMATION_FOLLOWS.en),
      ],
      signature: onBehalfOf.en(v.officeName),
    }),
  },
});

export const caroBankAppInstructions = defineTemplate<CaroCase & { bankName: KbcGroupBank }>({
  audience: 'cardholder',
  content: {
    fr: (v) => ({
      subject: `Activez la transmission de vos relevés de carte de crédit dans votre application ${v.bankName}`,
      preview: 'Pas de lien d’activation : tout se fait dans votre application bancaire.',
      greeting: GREETING.fr,
      blocks: [
        intro('fr', v),
        paragraph(
          `Pour les cartes ${v.bankName}, vous donnez votre accord dans votre application bancaire : il n’y a pas de lien d’activation.`,
        ),
        facts(['Société', v.companyName], ['Référence client', v.clientReference]),
        ...activationBlocks('fr', v, { kind: 'bank-app', bankName: v.bankName }),
        paragraph(CONFIRMATION_FOLLOWS.fr),
      ],
      signature: onBehalfOf.fr(v.officeName),
    }),
    nl: (v) => ({
      subject: `Activeer de levering van uw kredietkaartafschriften in uw ${v.bankName}-app`,
      preview: 'Geen activatielink: alles gebeurt in uw bankapp.',
      greeting: GREETING.nl,
      blocks: [
        intro('nl', v),
        paragraph(`Voor kaarten van ${v.bankName} geeft u uw akkoord in uw bankapp: er is geen activatielink.`),
        facts(['Onderneming', v.companyName], ['Klantreferentie', v.clientReference]),
        ...activationBlocks('nl', v, { kind: 'bank-app', bankName: v.bankName }),
        paragraph(CONFIRMATION_FOLLOWS.nl),
      ],
      signature: onBehalfOf.nl(v.officeName),
    }),
    en: (v) => ({
      subject: `Activate the delivery of your credit card statements in your ${v.bankName} app`,
      preview: 'No activation link: everything happens in your banking app.',
      greeting: GREETING.en,
      blocks: [
        intro('en', v),
        paragraph(`For ${v.bankName} cards, you give your agreement in your banking app: there is no activation link.`),
        facts(['Company', v.companyName], ['Client reference', v.clientReference]),
        ...activationBlocks('en', v, { kind: 'bank-app', bankName: v.bankName }),
        paragraph(CONFIRMATION_FOLLOWS.en),
      ],
      signature: onBehalfOf.en(v.officeName),
    }),
  },
});

type CaroReminderVars = CaroCase & { reminder: ReminderCount; action: ActivationLink | ActivationInBankApp };
const LAST_REMINDER: Record<TemplateLanguage, string> = {
  fr: 'Ceci est le dernier rappel : sans activation, l’invitation expirera dans deux semaines.',
  nl: 'Dit is de laatste herinnering: zonder activatie vervalt de uitnodiging binnen twee weken.',
  en: 'This is the last reminder: without activation, the invitation expires in two weeks.',
};
const reminderBlocks = (l: TemplateLanguage, v: CaroReminderVars, waiting: string): Block[] => [
  paragraph(waiting),
  ...activationBlocks(l, v, v.action),
  ...(v.reminder.number >= v.reminder.of ? [note(LAST_REMINDER[l])] : []),
];

export const caroReminder = defineTemplate<CaroReminderVars>({
  audience: 'cardholder',
  content: {
    fr: (v) => ({
      subject: 'Rappel : activez la transmission de vos relevés de carte de crédit',
      preview: `Rappel ${v.reminder.number} sur ${v.reminder.of} de la part de votre comptable ${v.officeName}.`,
      greeting: GREETING.fr,
      blocks: reminderBlocks(
        'fr',
        v,
        `Votre comptable, ${v.officeName}, attend toujours l’activation des relevés de la carte de crédit de la référence client ${v.clientReference} (${v.companyName}).`,
      ),
      signature: onBehalfOf.fr(v.officeName),
    }),
    nl: (v) => ({
      subject: 'Herinnering: activeer de levering van uw kredietkaartafschriften',
      preview: `Herinnering ${v.reminder.number} van ${v.reminder.of} namens uw boekhouder ${v.officeName}.`,
      greeting: GREETING.nl,
      blocks: reminderBlocks(
        'nl',
        v,
        `Uw boekhouder, ${v.officeName}, wacht nog op de activatie van de afschriften van de kredietkaart met klantreferentie ${v.clientReference} (${v.companyName}).`,
      ),
      signature: onBehalfOf.nl(v.officeName),
    }),
    en: (v) => ({
      subject: 'Reminder: activate the delivery of your credit card statements',
      preview: `Reminder ${v.reminder.number} of ${v.reminder.of} from your accountant ${v.officeName}.`,
      greeting: GREETING.en,
      blocks: reminderBlocks(
        'en',
        v,
        `Your accountant, ${v.officeName}, is still waiting for the activation of the statements of the credit card with client reference ${v.clientReference} (${v.companyName}).`,
      ),
      signature: onBehalfOf.en(v.officeName),
    }),
  },
});

export const caroConfirmation = defineTemplate<CaroCase & { statementsFrom: IsoDate; termsUrl: string }>({
  audience: 'cardholder',
  content: {
    fr: (v) => ({
      subject: `Vos relevés de carte de crédit sont désormais transmis à ${v.officeName}`,
      preview: `À partir de ${formatMonth(v.statementsFrom, 'fr')}, votre comptable reçoit vos relevés.`,
      greeting: GREETING.fr,
      blocks: [
        paragraph(
          `Merci : l’activation est terminée. À partir de ${formatMonth(v.statementsFrom, 'fr')}, les relevés de la carte de crédit de la référence client ${v.clientReference} seront transmis à votre comptable, ${v.officeName}.`,
        ),
        heading('Conditions'),
        list(
          `Vous pouvez révoquer cet accord à tout moment en contactant votre comptable, ${v.officeName}.`,
          'Seuls les relevés sont transmis ; nous ne conservons pas le numéro de votre carte.',
        ),
        button('Lire les conditions', v.termsUrl),
        paragraph(
          'Par souci de protection des données, nous supprimons votre adresse e-mail de nos fichiers après l’envoi de ce message.',
        ),
      ],
      signature: onBehalfOf.fr(v.officeName),
    }),
    nl: (v) => ({
      subject: `Uw kredietkaartafschriften worden voortaan geleverd aan ${v.officeName}`,
      preview: `Vanaf ${formatMonth(v.statementsFrom, 'nl')} ontvangt uw boekhouder uw afschriften.`,
      greeting: GREETING.nl,
      blocks: [
        paragraph(
          `Bedankt: de activatie is voltooid. Vanaf ${formatMonth(v.statementsFrom, 'nl')} worden de afschriften van de kredietkaart met klantreferentie ${v.clientReference} geleverd aan uw boekhouder, ${v.officeName}.`,
        ),
        heading('Voorwaarden'),
        list(
          `U kunt dit akkoord op elk moment intrekken door contact op te nemen met uw boekhouder, ${v.officeName}.`,
          'Alleen de afschriften worden gedeeld; wij bewaren uw kaartnummer niet.',
        ),
        button('De voorwaarden lezen', v.termsUrl),
        paragraph(
          'Met het oog op gegevensbescherming wissen we uw e-mailadres uit onze bestanden zodra dit bericht verstuurd is.',
        ),
      ],
      signature: onBehalfOf.nl(v.officeName),
    }),
    en: (v) => ({
      subject: `Your credit card statements are now delivered to ${v.officeName}`,
      preview: `From ${formatMonth(v.statementsFrom, 'en')}, your accountant receives your statements.`,
      greeting: GREETING.en,
      blocks: [
        paragraph(
          `Thank you: the activation is complete. From ${formatMonth(v.statementsFrom, 'en')}, the statements of the credit card with client reference ${v.clientReference} will be delivered to your accountant, ${v.officeName}.`,
        ),
        heading('Terms'),
        list(
          `You can revoke this agreement at any time by contacting your accountant, ${v.officeName}.`,
          'Only the statements are shared; we do not keep your card number.',
        ),
        button('Read the terms', v.termsUrl),
        paragraph('To protect your data, we delete your e-mail address from our records once this message is sent.'),
      ],
      signature: onBehalfOf.en(v.officeName),
    }),
  },
});
