/** The largest request body, API and webhooks alike: README's "413 body_too_large: body over 100 kB". */
export const BODY_LIMIT_BYTES = 100 * 1024;
