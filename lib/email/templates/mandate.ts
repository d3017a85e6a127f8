/** Journey 1, mandate signing (docs/domain.md): invitation, KBC/CBC link steps, reminders, stalled case. */
import { bankAppSteps } from './bank-app.js';
import { defineTemplate, fromService, GREETING, onBehalfOf, type KbcGroupBank, type ReminderCount } from './define.js';
import { button, facts, list, note, paragraph, type Block } from './layout.js';
import { formatDate, maskIban, type IsoDate, type TemplateLanguage } from './language.js';

interface MandateCase {
  companyName: string;
  officeName: string;
  iban: string;
}

/** Other banks: the client signs electronically through a signed, expiring link. */
export interface SignAction {
  kind: 'sign';
  bankName: string;
  signingUrl: string;
  linkExpiresAt: IsoDate;
}
/** KBC/CBC: the client links the account in the bank app. */
export interface BankLinkAction {
  kind: 'bank-link';
  bankName: KbcGroupBank;
}

const accountFacts = (l: TemplateLanguage, v: MandateCase, bankName: string): Block => {
  const labels = {
    fr: ['Société', 'Compte', 'Banque'],
    nl: ['Onderneming', 'Rekening', 'Bank'],
    en: ['Company', 'Account', 'Bank'],
  }[l];
  return facts([labels[0]!, v.companyName], [labels[1]!, maskIban(v.iban)], [labels[2]!, bankName]);
};

const SELECT_ACCOUNTS: Record<TemplateLanguage, string> = {
  fr: 'Sélectionnez le ou les comptes à lier (les comptes déjà liés sont cochés).',
  nl: 'Selecteer de rekening(en) die u wilt koppelen (reeds gekoppelde rekeningen zijn aangevinkt).',
  en: 'Select the account(s) to link (accounts already linked are selected).',
};

const signBlocks = (l: TemplateLanguage, a: SignAction): Block[] => {
  const until = formatDate(a.linkExpiresAt, l);
  return {
    fr: [
      button('Signer le mandat', a.signingUrl),
      paragraph(
        `Ce lien est personnel et valable jusqu’au ${until}. La signature ne prend que quelques minutes ; la banque active ensuite la transmission, en général dans un délai de 1 à 4 semaines.`,
      ),
    ],
    nl: [
      button('Mandaat ondertekenen', a.signingUrl),
      paragraph(
        `Deze link is persoonlijk en geldig tot ${until}. Ondertekenen duurt enkele minuten; daarna activeert de bank de levering, meestal binnen 1 tot 4 weken.`,
      ),
    ],
    en: [
      button('Sign the mandate', a.signingUrl),
      paragraph(
        `This link is personal and valid until ${until}. Signing takes a few minutes; the bank then activates the delivery, usually within 1 to 4 weeks.`,
      ),
    ],
  }[l];
};

export const mandateInvitation = defineTemplate<MandateCase & Omit<SignAction, 'kind'>>({
  audience: 'client',
  content: {
    fr: (v) => ({
      subject: `Veuillez signer le mandat pour vos extraits bancaires – ${v.companyName}`,
      preview: `Votre comptable ${v.officeName} a besoin de votre signature pour recevoir vos extraits bancaires.`,
      greeting: GREETING.fr,
      blocks: [
        paragraph(
          `Votre comptable, ${v.officeName}, a demandé à ${v.bankName} de transmettre les extraits du compte ci-dessous directement à son logiciel comptable. La banque a besoin de votre autorisation : un mandat, à signer électroniquement.`,
        ),
        accountFacts('fr', v, v.bankName),
        ...signBlocks('fr', { kind: 'sign', ...v }),
        note(`Vous n’attendiez pas cet e-mail ? Vérifiez auprès de ${v.officeName} avant de signer.`),
      ],
      signature: onBehalfOf.fr(v.officeName),
    }),
    nl: (v) => ({
      subject: `Gelieve het mandaat voor uw bankafschriften te ondertekenen – ${v.companyName}`,
      preview: `Uw boekhouder ${v.officeName} heeft uw handtekening nodig om uw bankafschriften te ontvangen.`,
      greeting: GREETING.nl,
      blocks: [
        paragraph(
          `Uw boekhouder, ${v.officeName}, heeft ${v.bankName} gevraagd de afschriften van onderstaande rekening rechtstreeks in de boekhoudsoftware te leveren. De bank heeft daarvoor uw toestemming nodig: een mandaat, dat u elektronisch ondertekent.`,
        ),
        accountFacts('nl', v, v.bankName),
        ...signBlocks('nl', { kind: 'sign', ...v }),
        note(`Verwachtte u deze e-mail niet? Vraag het na bij ${v.officeName} voor u ondertekent.`),
      ],
      signature: onBehalfOf.nl(v.officeName),
    }),
    en: (v) => ({
      subject: `Please sign the mandate for your bank statements – ${v.companyName}`,
      preview: `Your accountant ${v.officeName} needs your signature to receive your bank statements.`,
      greeting: GREETING.en,
      blocks: [
        paragraph(
          `Your accountant, ${v.officeName}, has asked ${v.bankName} to deliver the statements of the account below directly to their accounting software. The bank needs your authorisation: a mandate, signed electronically.`,
        ),
        accountFacts('en', v, v.bankName),
        ...signBlocks('en', { kind: 'sign', ...v }),
        note(`Not expecting this e-mail? Check with ${v.officeName} before signing.`),
      ],
      signature: onBehalfOf.en(v.officeName),
    }),
  },
});

export const mandateBankLinkInstructions = defineTemplate<MandateCase & { bankName: KbcGroupBank }>({
  audience: 'client',
  content: {
    fr: (v) => ({
      subject: `Liez votre compte ${v.bankName} au logiciel de votre comptable – ${v.companyName}`,
      preview: `Quelques étapes dans ${v.bankName} Touch ou le Business Dashboard, sans signature de mandat.`,
      greeting: GREETING.fr,
      blocks: [
        paragraph(
          `Votre comptable, ${v.officeName}, souhaite recevoir les extraits du compte ci-dessous directement dans son logiciel comptable. Chez ${v.bankName}, aucun mandat n’est à signer : vous liez vous-même le compte dans votre application bancaire, en quelques étapes.`,
        ),
        accountFacts('fr', v, v.bankName),
        ...bankAppSteps('fr', v.bankName, SELECT_ACCOUNTS.fr),
        paragraph(
          `Dès que le lien est créé, ${v.bankName} nous en informe et les extraits commencent à arriver. Vous n’avez rien d’autre à faire.`,
        ),
      ],
      signature: onBehalfOf.fr(v.officeName),
    }),
    nl: (v) => ({
      subject: `Koppel uw ${v.bankName}-rekening aan de software van uw boekhouder – ${v.companyName}`,
      preview: `Enkele stappen in ${v.bankName} Touch of het Business Dashboard, zonder mandaat te ondertekenen.`,
      greeting: GREETING.nl,
      blocks: [
        paragraph(
          `Uw boekhouder, ${v.officeName}, wil de afschriften van onderstaande rekening rechtstreeks in de boekhoudsoftware ontvangen. Bij ${v.bankName} hoeft u geen mandaat te ondertekenen: u koppelt de rekening zelf in uw bankapp, in enkele stappen.`,
        ),
        accountFacts('nl', v, v.bankName),
        ...bankAppSteps('nl', v.bankName, SELECT_ACCOUNTS.nl),
        paragraph(
          `Zodra de koppeling gemaakt is, laat ${v.bankName} het ons weten en komen de afschriften binnen. U hoeft verder niets te doen.`,
        ),
      ],
      signature: onBehalfOf.nl(v.officeName),
    }),
    en: (v) => ({
      subject: `Link your ${v.bankName} account to your accountant’s software – ${v.companyName}`,
      preview: `A few steps in ${v.bankName} Touch or the Business Dashboard, no mandate to sign.`,
      greeting: GREETING.en,
      blocks: [
        paragraph(
          `Your accountant, ${v.officeName}, wants to receive the statements of the account below directly in their accounting software. With ${v.bankName}, there is no mandate to sign: you link the account yourself in your banking app, in a few steps.`,
        ),
        accountFacts('en', v, v.bankName),
        ...bankAppSteps('en', v.bankName, SELECT_ACCOUNTS.en),
        paragraph(
          `As soon as the link is made, ${v.bankName} tells us and the statements start arriving. There is nothing else to do.`,
        ),
      ],
      signature: onBehalfOf.en(v.officeName),
    }),
  },
});

const lastOne = (r: ReminderCount) => r.number >= r.of;

export const mandateReminder = defineTemplate<
  MandateCase & { reminder: ReminderCount; action: SignAction | BankLinkAction }
>({
  audience: 'client',
  content: {
    fr: (v) => ({
      subject:
        v.action.kind === 'sign'
          ? `Rappel : le mandat pour ${v.companyName} attend votre signature`
          : `Rappel : votre compte ${v.action.bankName} n’est pas encore lié – ${v.companyName}`,
      preview: `Rappel ${v.reminder.number} sur ${v.reminder.of} de la part de votre comptable ${v.officeName}.`,
      greeting: GREETING.fr,
      blocks: [
        paragraph(
          v.action.kind === 'sign'
            ? `Votre comptable, ${v.officeName}, attend toujours le mandat signé pour le compte ci-dessous. Sans ce mandat, ${v.action.bankName} ne peut pas transmettre les extraits.`
            : `Votre comptable, ${v.officeName}, ne reçoit toujours pas les extraits du compte ci-dessous : il n’a pas encore été lié dans l’application ${v.action.bankName}.`,
        ),
        accountFacts('fr', v, v.action.bankName),
        ...(v.action.kind === 'sign'
          ? signBlocks('fr', v.action)
          : bankAppSteps('fr', v.action.bankName, SELECT_ACCOUNTS.fr)),
        ...(lastOne(v.reminder)
          ? [paragraph(`Ceci est le dernier rappel. ${v.officeName} prendra ensuite contact avec vous.`)]
          : []),
      ],
      signature: onBehalfOf.fr(v.officeName),
    }),
    nl: (v) => ({
      subject:
        v.action.kind === 'sign'
          ? `Herinnering: het mandaat voor ${v.companyName} wacht op uw handtekening`
          : `Herinnering: uw ${v.action.bankName}-rekening is nog niet gekoppeld – ${v.companyName}`,
      preview: `Herinnering ${v.reminder.number} van ${v.reminder.of} namens uw boekhouder ${v.officeName}.`,
      greeting: GREETING.nl,
      blocks: [
        paragraph(
          v.action.kind === 'sign'
            ? `Uw boekhouder, ${v.officeName}, wacht nog op het ondertekende mandaat voor onderstaande rekening. Zonder mandaat kan ${v.action.bankName} de afschriften niet leveren.`
            : `Uw boekhouder, ${v.officeName}, ontvangt de afschriften van onderstaande rekening nog altijd niet: ze is nog niet gekoppeld in de ${v.action.bankName}-app.`,
        ),
        accountFacts('nl', v, v.action.bankName),
        ...(v.action.kind === 'sign'
          ? signBlocks('nl', v.action)
          : bankAppSteps('nl', v.action.bankName, SELECT_ACCOUNTS.nl)),
        ...(lastOne(v.reminder)
          ? [paragraph(`Dit is de laatste herinnering. ${v.officeName} neemt daarna contact met u op.`)]
          : []),
      ],
      signature: onBehalfOf.nl(v.officeName),
    }),
    en: (v) => ({
      subject:
        v.action.kind === 'sign'
          ? `Reminder: the mandate for ${v.companyName} is waiting for your signature`
          : `Reminder: your ${v.action.bankName} account is not linked yet – ${v.companyName}`,
      preview: `Reminder ${v.reminder.number} of ${v.reminder.of} from your accountant ${v.officeName}.`,
      greeting: GREETING.en,
      blocks: [
        paragraph(
          v.action.kind === 'sign'
            ? `Your accountant, ${v.officeName}, is still waiting for the signed mandate for the account below. Without it, ${v.action.bankName} cannot deliver the statements.`
            : `Your accountant, ${v.officeName}, still does not receive the statements of the account below: it has not been linked in the ${v.action.bankName} app yet.`,
        ),
        accountFacts('en', v, v.action.bankName),
        ...(v.action.kind === 'sign'
          ? signBlocks('en', v.action)
          : bankAppSteps('en', v.action.bankName, SELECT_ACCOUNTS.en)),
        ...(lastOne(v.reminder)
          ? [paragraph(`This is the last reminder. ${v.officeName} will contact you next.`)]
          : []),
      ],
      signature: onBehalfOf.en(v.officeName),
    }),
  },
});

export interface StalledMandateVars {
  companyName: string;
  clientCode: string;
  iban: string;
  bankName: string;
  /** When each reminder went out (the case shows the same list). */
  reminderDates: IsoDate[];
  waitingFor: 'signature' | 'bank-link';
}

export const mandateStalled = defineTemplate<StalledMandateVars>({
  audience: 'office',
  content: {
    fr: (v) => ({
      subject: `Sans réponse après ${v.reminderDates.length} rappels : ${v.companyName} (${v.clientCode})`,
      preview:
        v.waitingFor === 'signature'
          ? `Le mandat pour ${maskIban(v.iban)} n’est toujours pas signé.`
          : `Le compte ${maskIban(v.iban)} n’est toujours pas lié dans l’application ${v.bankName}.`,
      greeting: GREETING.fr,
      blocks: [
        paragraph(
          v.waitingFor === 'signature'
            ? `Nous avons relancé ${v.companyName} ${v.reminderDates.length} fois, mais le mandat pour le compte ci-dessous n’est toujours pas signé.`
            : `Nous avons relancé ${v.companyName} ${v.reminderDates.length} fois, mais le compte ci-dessous n’est toujours pas lié dans l’application ${v.bankName}.`,
        ),
        facts(
          ['Client', v.companyName],
          ['Code client', v.clientCode],
          ['Compte', maskIban(v.iban)],
          ['Banque', v.bankName],
          ['Rappels envoyés', v.reminderDates.map((d) => formatDate(d, 'fr')).join(', ')],
        ),
        paragraph('Ce que vous pouvez faire :'),
        v.waitingFor === 'signature'
          ? list(
              'Contactez votre client et vérifiez l’adresse e-mail enregistrée.',
              'Renvoyez le mandat, ou téléchargez-le pour le faire signer.',
              'Archivez le mandat s’il n’est plus nécessaire.',
            )
          : list(
              'Contactez votre client et renvoyez-lui les étapes pour lier le compte.',
              'Vérifiez qu’il utilise un profil professionnel : seuls les utilisateurs professionnels peuvent lier un compte.',
              'Archivez le mandat s’il n’est plus nécessaire.',
            ),
      ],
      signature: fromService.fr,
    }),
    nl: (v) => ({
      subject: `Geen reactie na ${v.reminderDates.length} herinneringen: ${v.companyName} (${v.clientCode})`,
      preview:
        v.waitingFor === 'signature'
          ? `Het mandaat voor ${maskIban(v.iban)} is nog altijd niet ondertekend.`
          : `De rekening ${maskIban(v.iban)} is nog altijd niet gekoppeld in de ${v.bankName}-app.`,
      greeting: GREETING.nl,
      blocks: [
        paragraph(
          v.waitingFor === 'signature'
            ? `We hebben ${v.companyName} ${v.reminderDates.length} keer herinnerd, maar het mandaat voor onderstaande rekening is nog altijd niet ondertekend.`
            : `We hebben ${v.companyName} ${v.reminderDates.length} keer herinnerd, maar onderstaande rekening is nog altijd niet gekoppeld in de ${v.bankName}-app.`,
        ),
        facts(
          ['Klant', v.companyName],
          ['Klantcode', v.clientCode],
          ['Rekening', maskIban(v.iban)],
          ['Bank', v.bankName],
          ['Herinneringen verstuurd', v.reminderDates.map((d) => formatDate(d, 'nl')).join(', ')],
        ),
        paragraph('Wat u kunt doen:'),
        v.waitingFor === 'signature'
          ? list(
              'Neem contact op met uw klant en controleer het geregistreerde e-mailadres.',
              'Verstuur het mandaat opnieuw, of download het om het te laten ondertekenen.',
              'Archiveer het mandaat als het niet meer nodig is.',
            )
          : list(
              'Neem contact op met uw klant en bezorg hem opnieuw de stappen om de rekening te koppelen.',
              'Controleer dat hij een professioneel profiel gebruikt: alleen professionele gebruikers kunnen koppelen.',
              'Archiveer het mandaat als het niet meer nodig is.',
            ),
      ],
      signature: fromService.nl,
    }),
    en: (v) => ({
      subject: `No response after ${v.reminderDates.length} reminders: ${v.companyName} (${v.clientCode})`,
      preview:
        v.waitingFor === 'signature'
          ? `The mandate for ${maskIban(v.iban)} is still not signed.`
          : `The account ${maskIban(v.iban)} is still not linked in the ${v.bankName} app.`,
      greeting: GREETING.en,
      blocks: [
        paragraph(
          v.waitingFor === 'signature'
            ? `We reminded ${v.companyName} ${v.reminderDates.length} times, but the mandate for the account below is still not signed.`
            : `We reminded ${v.companyName} ${v.reminderDates.length} times, but the account below is still not linked in the ${v.bankName} app.`,
        ),
        facts(
          ['Client', v.companyName],
          ['Client code', v.clientCode],
          ['Account', maskIban(v.iban)],
          ['Bank', v.bankName],
          ['Reminders sent', v.reminderDates.map((d) => formatDate(d, 'en')).join(', ')],
        ),
        paragraph('What you can do:'),
        v.waitingFor === 'signature'
          ? list(
              'Contact your client and check the e-mail address on file.',
              'Resend the mandate, or download it to have it signed.',
              'Archive the mandate if it is no longer needed.',
            )
          : list(
              'Contact your client and send them the linking steps again.',
              'Check that they use a professional profile: only professional users can link an account.',
              'Archive the mandate if it is no longer needed.',
            ),
      ],
      signature: fromService.en,
    }),
  },
});
