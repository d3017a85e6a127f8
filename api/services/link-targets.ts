import type { LinkPurpose } from '../../lib/links/links.js';
import { parseConnectionLinkSubject, parseMandateLinkSubject } from '../../lib/links/subjects.js';
import { needsInvitation } from '../../workflows/consent-renewal/rules.js';
import { SIGNING_LINK_STATES } from '../../workflows/mandate/rules.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { resolveActivationLink } from './caro.js';

const noSuchLink = () => new ApiError(404, 'not_found', 'no such link');

/** A mandate's signing link names its presentation (lib/links/subjects.ts): only the latest one signs. */
async function signingTarget(deps: AppDeps, subject: string) {
  const parsed = parseMandateLinkSubject(subject);
  const mandate =
    parsed &&
    (await deps.prisma.mandate.findUnique({
      where: { id: parsed.mandateId },
      include: { bankAccount: { include: { client: { include: { office: true } } } } },
    }));
  if (!parsed || !mandate) throw noSuchLink();
  if (mandate.revision !== parsed.revision)
    throw new ApiError(
      410,
      'link_superseded',
      'the mandate was presented again since: use the link of the latest e-mail',
    );
  if (!SIGNING_LINK_STATES.includes(mandate.status))
    throw new ApiError(410, 'link_closed', `this mandate is no longer waiting for a signature (${mandate.status})`);
  const { client } = mandate.bankAccount;
  return {
    mandateId: mandate.id,
    revision: mandate.revision,
    companyName: client.companyName,
    officeName: client.office.name,
    bankName: mandate.bankAccount.bankName,
    iban: mandate.bankAccount.iban,
  };
}

/** A connection invitation opens while the connection still needs one (rules.ts: account not found, access lost). */
async function invitationTarget(deps: AppDeps, subject: string) {
  const parsed = parseConnectionLinkSubject(subject);
  const connection =
    parsed &&
    (await deps.prisma.connection.findUnique({ where: { id: parsed.connectionId }, include: { office: true } }));
  if (!parsed || !connection) throw noSuchLink();
  if (!needsInvitation(connection.status)) {
    throw new ApiError(410, 'link_closed', `this connection no longer needs the invitation (${connection.status})`);
  }
  return {
    connectionId: connection.id,
    provider: connection.provider,
    bankName: connection.bankName,
    officeName: connection.office.name,
  };
}

/** What each kind of signed link opens, given the subject of its genuine, unexpired token. */
export const linkTargets: Record<LinkPurpose, (deps: AppDeps, subject: string) => Promise<object>> = {
  'mandate-signing': signingTarget,
  'caro-activation': resolveActivationLink,
  'connection-invitation': invitationTarget,
};
