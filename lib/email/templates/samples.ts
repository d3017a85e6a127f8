/**
 * Example variables for every template and every variant (sign / bank-link, each failure
 * reason...): `npm run emails:render` renders them for review, the tests check them. Typed by
 * the registry, so a new template without samples does not compile.
 */
import { CaroProblemReason } from '../../../prisma/generated/enums.js';
import { createLinkBuilder } from '../../links/links.js';
import { caroLinkSubject, connectionLinkSubject, mandateLinkSubject } from '../../links/subjects.js';
import type { TemplateId, TemplateVars } from './index.js';

export type Samples = { [K in TemplateId]: { variant: string; vars: TemplateVars<K> }[] };

const links = createLinkBuilder({
  publicBaseUrl: 'https://bankfeed.example',
  secret: 'sample-secret-for-template-review-only-000',
});
const linkExpiresAt = '2027-03-15T10:00:00.000Z';
export const SAMPLE_LINKS = {
  signing: links.url(
    'mandate-signing',
    mandateLinkSubject({ id: '0193a8a4-0000-7000-8000-000000000001', revision: 1 }),
    new Date(linkExpiresAt),
  ),
  activation: links.url(
    'caro-activation',
    caroLinkSubject('0193a8a4-0000-7000-8000-000000000002', 1),
    new Date(linkExpiresAt),
  ),
  invitation: links.url(
    'connection-invitation',
    connectionLinkSubject('0193a8a4-0000-7000-8000-000000000003'),
    new Date(linkExpiresAt),
  ),
  terms: 'https://bankfeed.example/terms/caro',
};

const client = { companyName: 'Boulangerie Peeters BV', officeName: 'Fiduciaire Dupont', iban: 'BE68539007547034' };
const caro = {
  companyName: 'Boulangerie Peeters BV',
  officeName: 'Fiduciaire Dupont',
  clientReference: '4711 0815 22',
};
const sign = { kind: 'sign', bankName: 'Belfius', signingUrl: SAMPLE_LINKS.signing, linkExpiresAt } as const;
const connection = {
  provider: 'Ponto',
  bankName: 'Belfius',
  ibans: ['BE68539007547034', 'BE71096123456769'],
  validUntil: '2027-03-01T09:00:00.000Z',
};

export const SAMPLES: Samples = {
  'mandate.invitation': [
    { variant: 'default', vars: { ...client, bankName: 'Belfius', signingUrl: SAMPLE_LINKS.signing, linkExpiresAt } },
  ],
  'mandate.bank-link-instructions': [
    { variant: 'kbc', vars: { ...client, iban: 'BE29734012345664', bankName: 'KBC' } },
  ],
  'mandate.reminder': [
    { variant: 'sign-1', vars: { ...client, reminder: { number: 1, of: 3 }, action: sign } },
    {
      variant: 'bank-link-3',
      vars: {
        ...client,
        iban: 'BE29734012345664',
        reminder: { number: 3, of: 3 },
        action: { kind: 'bank-link', bankName: 'CBC' },
      },
    },
  ],
  'mandate.stalled': [
    {
      variant: 'signature',
      vars: {
        companyName: client.companyName,
        clientCode: 'PEET01',
        iban: client.iban,
        bankName: 'Belfius',
        reminderDates: ['2027-01-15T08:00:00Z', '2027-01-29T08:00:00Z', '2027-02-12T08:00:00Z'],
        waitingFor: 'signature',
      },
    },
    {
      variant: 'bank-link',
      vars: {
        companyName: client.companyName,
        clientCode: 'PEET01',
        iban: 'BE29734012345664',
        bankName: 'KBC',
        reminderDates: ['2027-01-15T08:00:00Z', '2027-01-29T08:00:00Z', '2027-02-12T08:00:00Z'],
        waitingFor: 'bank-link',
      },
    },
  ],
  'caro.preorder-warning': [
    {
      variant: 'default',
      vars: { companyName: caro.companyName, officeName: caro.officeName, senderAddress: 'no-reply@bankfeed.example' },
    },
  ],
  'caro.invitation': [{ variant: 'default', vars: { ...caro, activationUrl: SAMPLE_LINKS.activation, linkExpiresAt } }],
  'caro.bank-app-instructions': [{ variant: 'kbc', vars: { ...caro, bankName: 'KBC' } }],
  'caro.reminder': [
    {
      variant: 'link-1',
      vars: {
        ...caro,
        reminder: { number: 1, of: 3 },
        action: { kind: 'link', activationUrl: SAMPLE_LINKS.activation, linkExpiresAt },
      },
    },
    {
      variant: 'bank-app-3',
      vars: { ...caro, reminder: { number: 3, of: 3 }, action: { kind: 'bank-app', bankName: 'CBC' } },
    },
  ],
  'caro.confirmation': [
    { variant: 'default', vars: { ...caro, statementsFrom: '2027-04-01T00:00:00.000Z', termsUrl: SAMPLE_LINKS.terms } },
  ],
  'caro.failure': Object.values(CaroProblemReason).map((reason) => ({
    variant: reason,
    vars: { companyName: caro.companyName, clientReference: caro.clientReference, reason },
  })),
  'consent.reminder': [
    ...[15, 3, 1].map((daysBefore) => ({
      variant: `${daysBefore}-days`,
      vars: { ...connection, daysBefore, officeName: 'Fiduciaire Dupont' },
    })),
    // A schedule in a smaller unit (CONSENT_REMINDERS_BEFORE=2h): the subject says the exact time.
    {
      variant: '2-hours',
      vars: { ...connection, daysBefore: 1, beforeMs: 7_200_000, officeName: 'Fiduciaire Dupont' },
    },
  ],
  'consent.expired.owner': [{ variant: 'default', vars: { ...connection, officeName: 'Fiduciaire Dupont' } }],
  'consent.expired.office': [
    { variant: 'owner-notified', vars: { ...connection, companyName: client.companyName, ownerNotified: true } },
    { variant: 'owner-without-email', vars: { ...connection, companyName: null, ownerNotified: false } },
  ],
  'consent.invitation': (['account_not_found', 'access_lost'] as const).map((reason) => ({
    variant: reason,
    vars: {
      ...connection,
      officeName: 'Fiduciaire Dupont',
      reason,
      invitationUrl: SAMPLE_LINKS.invitation,
      linkExpiresAt,
    },
  })),
  'webhook.disabled': [
    {
      variant: 'gone',
      vars: {
        officeName: 'Fiduciaire Dupont',
        endpoint: 'https://erp.example/hooks',
        reason: 'gone',
        lastError: 'HTTP 410',
      },
    },
    {
      variant: 'failing',
      vars: {
        officeName: 'Fiduciaire Dupont',
        endpoint: 'https://erp.example/hooks',
        reason: 'failing',
        lastError: 'HTTP 503',
      },
    },
  ],
};
