/**
 * The KBC/CBC in-app link (docs/domain.md#journey-1-mandate-signing): the customer links the statement
 * service in KBC/CBC Touch or the Business Dashboard instead of signing a mandate. The service
 * appears as CODABOX in the bank's list of external software.
 */
import type { KbcGroupBank } from './define.js';
import { heading, note, steps, type Block } from './layout.js';
import type { TemplateLanguage } from './language.js';

const PARTNER = 'CODABOX';

/** `select` is the step that picks what to link: the account(s), or one credit card. */
export function bankAppSteps(language: TemplateLanguage, bank: KbcGroupBank, select: string): Block[] {
  switch (language) {
    case 'fr':
      return [
        heading(`Dans ${bank} Touch`),
        steps(
          `Connectez-vous à ${bank} Touch.`,
          'Cliquez sur votre nom en haut à droite, puis sur « Paramètres ».',
          'Sur la page du profil, cliquez à nouveau sur « Paramètres ».',
          'Sous « Lien vers un logiciel externe », cliquez sur l’option proposée.',
          select,
          `Dans la liste des logiciels externes, sélectionnez ${PARTNER}.`,
          'Acceptez les conditions et cliquez sur « Lier ».',
        ),
        heading(`Ou dans le ${bank} Business Dashboard`),
        steps(
          'Ouvrez le Business Dashboard et cliquez sur « Paramètres ».',
          'Sous « Comptes & cartes », cliquez sur « Utilisation par des tiers ».',
          'Cliquez sur « Exporter les données du compte vers votre logiciel ».',
          'Cliquez sur « Créer un lien ».',
          select,
          `Dans la liste des logiciels externes, sélectionnez ${PARTNER}.`,
          'Acceptez les conditions et signez la transaction.',
        ),
        note(
          'Seuls les utilisateurs professionnels peuvent créer ce lien : l’option n’apparaît pas dans un profil privé.',
        ),
      ];
    case 'nl':
      return [
        heading(`In ${bank} Touch`),
        steps(
          `Meld u aan in ${bank} Touch.`,
          'Klik rechtsboven op uw naam en daarna op "Instellingen".',
          'Klik op de profielpagina opnieuw op "Instellingen".',
          'Klik onder "Koppeling met extern softwarepakket" op de getoonde optie.',
          select,
          `Kies ${PARTNER} in de lijst met externe software.`,
          'Aanvaard de voorwaarden en klik op "Koppelen".',
        ),
        heading(`Of in het ${bank} Business Dashboard`),
        steps(
          'Open het Business Dashboard en klik op "Instellingen".',
          'Klik onder "Rekeningen & kaarten" op "Gebruik door derden".',
          'Klik op "Rekeninggegevens exporteren naar uw software".',
          'Klik op "Koppeling aanmaken".',
          select,
          `Kies ${PARTNER} in de lijst met externe software.`,
          'Aanvaard de voorwaarden en onderteken de verrichting.',
        ),
        note('Alleen professionele gebruikers kunnen koppelen: in een privéprofiel verschijnt deze optie niet.'),
      ];
    case 'en':
      return [
        heading(`In ${bank} Touch`),
        steps(
          `Log on to ${bank} Touch.`,
          'Click your name at the top right, then "Settings".',
          'On the profile page, click "Settings" again.',
          'Under "Link to external software", click the option shown.',
          select,
          `In the list of external software, select ${PARTNER}.`,
          'Accept the terms and conditions and click "Link".',
        ),
        heading(`Or in the ${bank} Business Dashboard`),
        steps(
          'Open the Business Dashboard and click "Settings".',
          'Under "Accounts & Cards", click "Use by third parties".',
          'Click "Export account details to your software".',
          'Click "Create link".',
          select,
          `In the list of external software, select ${PARTNER}.`,
          'Accept the terms and conditions and sign the transaction.',
        ),
        note('Only professional users can link: the option does not appear in a private banking profile.'),
      ];
  }
}
