/** A run of 12 or more digits, spaces, dashes, dots, slashes and underscores between them ignored: what a card number (PAN, 12–19 digits) looks like however it is typed. */
const DIGIT_RUN = /\d(?:[ ./_-]*\d){11,}/;
/** A UUID is 32 hex digits, too long to be a card number; its digit groups must not read as one. */
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** True when `raw` (a request body, unparsed) may carry a card number anywhere. */
export const containsCardNumber = (raw: string): boolean => DIGIT_RUN.test(raw.replace(UUID, '#'));
