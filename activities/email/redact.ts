/**
 * Provider error texts may quote the recipient or a link. What we log, store as a rejection
 * reason or put in a Temporal failure goes through this first.
 */
const ADDRESS = /[^\s<>()"',;:]+@[^\s<>()"',;:]+\.[^\s<>()"',;:]+/g;
const URL_LIKE = /\bhttps?:\/\/\S+/gi;

export function redactPersonalData(text: string, maxLength = 500): string {
  const clean = text.replace(URL_LIKE, '[link]').replace(ADDRESS, '[address]');
  return clean.length > maxLength ? `${clean.slice(0, maxLength)}…` : clean;
}
