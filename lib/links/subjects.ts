/**
 * The subject of each kind of signed link (see LINK_PURPOSES): which case it opens, and for the
 * journeys that send a link again, which sending it belongs to. Built here by the worker (e-mails)
 * and the API (copied links), parsed here by `GET /l/:token`: one format per purpose, in one place.
 */
import type { LinkPurpose } from './links.js';

/** Case ids are UUIDs (lib/db/ids.ts and the database's `uuid(7)` default). */
const CASE_ID = '[0-9a-f-]{36}';

const MANDATE_SUBJECT = new RegExp(`^(${CASE_ID}):r(\\d+)$`);
const CARO_SUBJECT = new RegExp(`^(${CASE_ID})\\.(\\d{1,9})$`);
const CONNECTION_SUBJECT = new RegExp(`^${CASE_ID}$`);

/**
 * A mandate's signing link names its presentation (`<mandateId>:r<revision>`): a new presentation
 * gives a new link, and only the latest one signs.
 */
export const mandateLinkSubject = (m: { id: string; revision: number }): string => `${m.id}:r${m.revision}`;

export function parseMandateLinkSubject(subject: string): { mandateId: string; revision: number } | undefined {
  const match = MANDATE_SUBJECT.exec(subject);
  return match ? { mandateId: match[1] as string, revision: Number(match[2]) } : undefined;
}

/**
 * A CARO activation link names the order and its link version (`<orderId>.<linkVersion>`). Every
 * new invitation (resend, replay, reactivation) bumps the version on the order, so an older link
 * stops opening.
 */
export const caroLinkSubject = (orderId: string, linkVersion: number): string => `${orderId}.${linkVersion}`;

export function parseCaroLinkSubject(subject: string): { orderId: string; linkVersion: number } | undefined {
  const match = CARO_SUBJECT.exec(subject);
  return match ? { orderId: match[1] as string, linkVersion: Number(match[2]) } : undefined;
}

/** A connection invitation names the connection alone: it opens while the connection needs its owner. */
export const connectionLinkSubject = (connectionId: string): string => connectionId;

export function parseConnectionLinkSubject(subject: string): { connectionId: string } | undefined {
  return CONNECTION_SUBJECT.test(subject) ? { connectionId: subject } : undefined;
}

/** The id of the case a subject names, for logs (never the token), or undefined for a malformed subject. */
export function linkSubjectCaseId(purpose: LinkPurpose, subject: string): string | undefined {
  switch (purpose) {
    case 'mandate-signing':
      return parseMandateLinkSubject(subject)?.mandateId;
    case 'caro-activation':
      return parseCaroLinkSubject(subject)?.orderId;
    case 'connection-invitation':
      return parseConnectionLinkSubject(subject)?.connectionId;
  }
}
