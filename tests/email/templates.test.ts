import { describe, expect, it } from 'vitest';
import {
  renderTemplate,
  TEMPLATE_IDS,
  TEMPLATE_LANGUAGES,
  templateLanguage,
  type TemplateId,
  type TemplateLanguage,
} from '../../lib/email/templates/index.js';
import { formatDate, maskIban } from '../../lib/email/templates/language.js';
import { SAMPLE_LINKS, SAMPLES } from '../../lib/email/templates/samples.js';
import { emailStyleAttributes } from '../../lib/email/templates/styles.js';

function render<K extends TemplateId>(id: K, language: TemplateLanguage, variant?: string) {
  const samples = SAMPLES[id];
  const sample = variant ? samples.find((s) => s.variant === variant) : samples[0];
  if (!sample) throw new Error(`no sample ${id}/${variant}`);
  return renderTemplate(id, sample.vars, language);
}
const all = TEMPLATE_IDS.flatMap((id) =>
  SAMPLES[id].flatMap((sample) => TEMPLATE_LANGUAGES.map((language) => [id, sample.variant, language] as const)),
);
const each = (fn: (language: TemplateLanguage) => void) => TEMPLATE_LANGUAGES.forEach(fn);

describe('every template, variant and language renders', () => {
  it.each(all)('%s (%s) in %s', (id, variant, language) => {
    const mail = render(id, language, variant);
    expect(mail.language).toBe(language);
    expect(mail.subject.length).toBeGreaterThan(10);
    expect(mail.html).toContain(`<html lang="${language}">`);
    expect(mail.html).toContain(`<title>${mail.subject.replace(/&/g, '&amp;')}</title>`);
    expect(mail.text.length).toBeGreaterThan(100);
    for (const part of [mail.subject, mail.html, mail.text])
      expect(part).not.toMatch(/undefined|\bnull\b|NaN|\[object |Invalid Date/);
    // Accounts are masked wherever they appear.
    expect(mail.text).not.toMatch(/BE\d{14}/);
  });

  it('carries only the style attributes the console’s CSP allows by hash (lib/email/templates/styles.ts)', () => {
    const allowed = new Set(emailStyleAttributes());
    const used = new Set(
      all.flatMap(([id, variant, language]) =>
        [...render(id, language, variant).html.matchAll(/\sstyle="([^"]*)"/g)].map((m) => m[1]!),
      ),
    );
    expect([...used].filter((style) => !allowed.has(style))).toEqual([]);
    expect(used.size).toBeGreaterThan(5);
  });

  it('covers every template with samples in fr, nl and en', () => {
    expect(TEMPLATE_IDS).toHaveLength(15);
    expect(all.length).toBe(81);
  });
});

describe('key facts', () => {
  it('mandate invitation: the signing link in both parts, its expiry in the recipient’s date format', () => {
    const expected = { fr: '15 mars 2027', nl: '15 maart 2027', en: '15 March 2027' };
    each((l) => {
      const mail = render('mandate.invitation', l);
      expect(mail.html).toContain(`href="${SAMPLE_LINKS.signing}"`);
      expect(mail.text).toContain(SAMPLE_LINKS.signing);
      expect(mail.text).toContain(expected[l]);
      expect(mail.text).toContain('BE68 •••• •••• 7034');
    });
  });

  it('KBC/CBC link instructions: both the Touch and the Business Dashboard steps, CODABOX, professional users only, no link', () => {
    const professional = {
      fr: /Seuls les utilisateurs professionnels/,
      nl: /Alleen professionele gebruikers/,
      en: /Only professional users/,
    };
    each((l) => {
      for (const [id, variant] of [
        ['mandate.bank-link-instructions', 'kbc'],
        ['mandate.reminder', 'bank-link-3'],
        ['caro.bank-app-instructions', 'kbc'],
        ['caro.reminder', 'bank-app-3'],
      ] as const) {
        const { text, html } = render(id, l, variant);
        expect(text, `${id} ${l}`).toMatch(
          /(KBC|CBC) Touch\n-+\n\n1\. [^\n]+\n2\. [^\n]+\n3\. [^\n]+\n4\. [^\n]+\n5\. [^\n]+\n6\. [^\n]+\n7\. /,
        );
        expect(text, `${id} ${l}`).toMatch(/(KBC|CBC) Business Dashboard\n-+\n\n1\. [^\n]+\n(\d\. [^\n]+\n){5}7\. /);
        expect(text.match(/CODABOX/g), `${id} ${l}`).toHaveLength(2);
        expect(text).toMatch(professional[l]);
        expect(html).not.toContain('href=');
      }
    });
    expect(render('caro.bank-app-instructions', 'en').text).toContain(
      '5. Select the credit card with client reference 4711 0815 22.',
    );
  });

  it('connection invitation: the signed link in both parts, its expiry, and why the owner is invited again', () => {
    const why = {
      fr: ['ne retrouve plus le compte', 'n’a plus accès'],
      nl: ['niet meer terug', 'geen toegang meer'],
      en: ['can no longer find', 'lost access'],
    };
    each((l) => {
      const notFound = render('consent.invitation', l, 'account_not_found');
      const lost = render('consent.invitation', l, 'access_lost');
      for (const mail of [notFound, lost]) {
        expect(mail.html).toContain(`href="${SAMPLE_LINKS.invitation}"`);
        expect(mail.text).toContain(SAMPLE_LINKS.invitation);
        expect(mail.text).toContain('2027');
      }
      expect(notFound.text).toContain(why[l][0]);
      expect(lost.text).toContain(why[l][1]);
      expect(notFound.subject).not.toBe(lost.subject);
    });
  });

  it('CARO invitation: the activation link, and what the cardholder needs (card, card reader, client reference)', () => {
    const needs = {
      fr: ['carte de crédit', 'lecteur de carte', 'référence client 4711 0815 22'],
      nl: ['kredietkaart', 'kaartlezer', 'klantreferentie 4711 0815 22'],
      en: ['credit card', 'card reader', 'client reference 4711 0815 22'],
    };
    each((l) => {
      const mail = render('caro.invitation', l);
      expect(mail.html).toContain(`href="${SAMPLE_LINKS.activation}"`);
      for (const need of needs[l]) expect(mail.text).toContain(need);
      expect(render('caro.reminder', l, 'link-1').text).toContain(SAMPLE_LINKS.activation);
    });
  });

  it('reminders say which one they are; the last one says it is the last', () => {
    expect(render('mandate.reminder', 'en', 'sign-1').text).not.toContain('last reminder');
    expect(render('mandate.reminder', 'en', 'bank-link-3').text).toContain('This is the last reminder.');
    expect(render('caro.reminder', 'nl', 'bank-app-3').text).toContain('laatste herinnering');
    expect(render('mandate.reminder', 'fr', 'sign-1').html).toContain(`href="${SAMPLE_LINKS.signing}"`);
  });

  it('stalled-case notice: the reminder dates in the office’s language', () => {
    expect(render('mandate.stalled', 'nl').text).toContain(
      'Herinneringen verstuurd: 15 januari 2027, 29 januari 2027, 12 februari 2027',
    );
    expect(render('mandate.stalled', 'fr').subject).toBe(
      'Sans réponse après 3 rappels : Boulangerie Peeters BV (PEET01)',
    );
  });

  it('CARO confirmation: the first month of statements, the terms link, how to revoke', () => {
    const expected = { fr: ['avril 2027', 'révoquer'], nl: ['april 2027', 'intrekken'], en: ['April 2027', 'revoke'] };
    each((l) => {
      const mail = render('caro.confirmation', l);
      for (const fact of expected[l]) expect(mail.text).toContain(fact);
      expect(mail.html).toContain(`href="${SAMPLE_LINKS.terms}"`);
    });
  });

  it('CARO failure: one guidance per reason', () => {
    const reasons = SAMPLES['caro.failure'].map((s) => s.variant);
    expect(reasons).toEqual([
      'online_payments_disabled',
      'card_not_linked_to_reference',
      'debit_card',
      'technical_or_data_error',
    ]);
    each((l) => expect(new Set(reasons.map((r) => render('caro.failure', l, r).subject)).size).toBe(4));
    expect(render('caro.failure', 'en', 'debit_card').text).toContain('VISA Debit');
    expect(render('caro.failure', 'en', 'technical_or_data_error').text).toMatch(/used once, at an ATM or in a shop/);
    expect(render('caro.failure', 'nl', 'card_not_linked_to_reference').text).toContain('kan niet gewijzigd worden');
    expect(render('caro.failure', 'fr', 'online_payments_disabled').text).toContain('paiements en ligne');
  });

  it('consent reminders 15, 3 and 1 days before, with the deadline in the recipient’s locale', () => {
    const subjects = {
      fr: [
        'Votre connexion bancaire expire dans 15 jours',
        'Votre connexion bancaire expire dans 3 jours',
        'Votre connexion bancaire expire dans 1 jour',
      ],
      nl: [
        'Uw bankkoppeling verloopt over 15 dagen',
        'Uw bankkoppeling verloopt over 3 dagen',
        'Uw bankkoppeling verloopt over 1 dag',
      ],
      en: [
        'Your bank connection expires in 15 days',
        'Your bank connection expires in 3 days',
        'Your bank connection expires in 1 day',
      ],
    };
    const deadline = {
      fr: 'valable jusqu’au 1 mars 2027',
      nl: 'geldig tot 1 maart 2027',
      en: 'valid until 1 March 2027',
    };
    each((l) => {
      expect(['15-days', '3-days', '1-days'].map((v) => render('consent.reminder', l, v).subject)).toEqual(subjects[l]);
      expect(render('consent.reminder', l).text).toContain(deadline[l]);
    });
  });

  it('a consent reminder given in a smaller unit than days says that time, not days', () => {
    const subjects = {
      fr: 'Votre connexion bancaire expire dans 2 heures',
      nl: 'Uw bankkoppeling verloopt over 2 uur',
      en: 'Your bank connection expires in 2 hours',
    };
    each((l) => expect(render('consent.reminder', l, '2-hours').subject).toBe(subjects[l]));
  });

  it('consent expired: the owner gets the steps to restore, the office whether the owner was told', () => {
    expect(render('consent.expired.owner', 'en').text).toMatch(/expired on 1 March 2027[\s\S]*Renew authorisation/);
    expect(render('consent.expired.office', 'fr', 'owner-notified').text).toContain('Nous avons expliqué au titulaire');
    expect(render('consent.expired.office', 'fr', 'owner-without-email').text).toContain('aucune adresse e-mail');
    expect(render('consent.expired.office', 'nl', 'owner-without-email').subject).toBe(
      'Bankkoppeling verlopen: BE68 •••• •••• 7034, BE71 •••• •••• 6769',
    );
  });

  it('pre-order warning for cardholders: the sender to expect, not phishing, signed by the office, no "do not reply"', () => {
    const notPhishing = { fr: 'hameçonnage', nl: 'phishing', en: 'not phishing' };
    each((l) => {
      const mail = render('caro.preorder-warning', l);
      expect(mail.text).toContain('no-reply@bankfeed.example');
      expect(mail.text).toContain(notPhishing[l]);
      expect(mail.text.trim().endsWith('Fiduciaire Dupont')).toBe(true);
    });
  });
});

describe('language, dates, escaping', () => {
  it('falls back de → fr and anything else → en', () => {
    expect(['fr', 'nl', 'en', 'de', 'DE', 'nl-BE', 'es', '', null, undefined].map(templateLanguage)).toEqual([
      'fr',
      'nl',
      'en',
      'fr',
      'fr',
      'nl',
      'en',
      'en',
      'en',
      'en',
    ]);
    const vars = SAMPLES['consent.reminder'][0]!.vars;
    expect(renderTemplate('consent.reminder', vars, 'de')).toMatchObject({
      language: 'fr',
      subject: 'Votre connexion bancaire expire dans 15 jours',
    });
    expect(renderTemplate('consent.reminder', vars, 'xx').language).toBe('en');
  });

  it('dates are Brussels calendar dates, across the day boundary and daylight saving', () => {
    expect(formatDate('2027-02-28T23:30:00Z', 'en')).toBe('1 March 2027');
    expect(formatDate('2027-07-31T22:30:00Z', 'nl')).toBe('1 augustus 2027');
    expect(formatDate('2027-07-31T21:30:00Z', 'fr')).toBe('31 juillet 2027');
    expect(() => formatDate('tomorrow', 'en')).toThrow(/not an ISO date/);
    expect(maskIban('BE68 5390 0754 7034')).toBe('BE68 •••• •••• 7034');
  });

  it('escapes variables in HTML and refuses non-http links', () => {
    const vars = { ...SAMPLES['mandate.invitation'][0]!.vars, companyName: '<script>alert(1)</script> & "Co"' };
    const mail = renderTemplate('mandate.invitation', vars, 'en');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(mail.text).toContain('<script>alert(1)</script> & "Co"');
    expect(() => renderTemplate('mandate.invitation', { ...vars, signingUrl: 'javascript:alert(1)' }, 'en')).toThrow(
      /http\(s\)/,
    );
  });

  it('types the variables of each template (checked by tsc)', () => {
    const typeChecks = () => {
      const mandateCase = { companyName: 'x', officeName: 'y', iban: 'BE68539007547034' };
      // @ts-expect-error signingUrl and linkExpiresAt are missing
      renderTemplate('mandate.invitation', { ...mandateCase, bankName: 'Belfius' }, 'fr');
      // @ts-expect-error a KBC/CBC-only template does not take another bank
      renderTemplate('mandate.bank-link-instructions', { ...mandateCase, bankName: 'Belfius' }, 'fr');
      // @ts-expect-error not a failure reason
      renderTemplate('caro.failure', { companyName: 'x', clientReference: '1', reason: 'card_stolen' }, 'en');
      // @ts-expect-error no such template
      renderTemplate('mandate.welcome', {}, 'en');
    };
    expect(typeChecks).toBeTypeOf('function');
  });
});
