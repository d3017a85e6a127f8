/**
 * The subject of a CARO activation token: the order and its link version. Every new invitation
 * (resend, replay, reactivation) bumps the version on the order, so an older link stops opening.
 */
export const caroLinkSubject = (orderId: string, linkVersion: number): string => `${orderId}.${linkVersion}`;

export function parseCaroLinkSubject(subject: string): { orderId: string; linkVersion: number } | undefined {
  const match = /^([0-9a-f-]{36})\.(\d{1,9})$/.exec(subject);
  return match ? { orderId: match[1] as string, linkVersion: Number(match[2]) } : undefined;
}

/** The worker's CARO settings from its environment: where the cardholder reads the terms. */
export const caroDepsFromEnv = (env: { PUBLIC_BASE_URL: string }): { termsUrl: string } => ({
  termsUrl: `${env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/terms/caro`,
});
