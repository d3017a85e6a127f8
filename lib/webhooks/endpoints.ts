/** The endpoint's address as the office is shown it in messages: no query string, no fragment. */
export const publicAddress = (url: string): string => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};
