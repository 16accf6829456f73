/**
 * Where browsers reach the api: either a fixed URL (API_PUBLIC_URL), or "the host the browser loaded the
 * dashboard from, on the api's port". The second works for localhost, 127.0.0.1 and a server's name alike,
 * and keeps the api on the dashboard's own site, so the session cookie goes with every call.
 */
export type BrowserApiAddress = { url: string } | { port: string };

export function resolveBrowserApiUrl(
  address: BrowserApiAddress,
  location: Pick<Location, 'protocol' | 'hostname'>,
): string {
  if ('url' in address) return address.url;
  // An IPv6 literal needs its brackets back in a URL.
  const host =
    location.hostname.includes(':') && !location.hostname.startsWith('[')
      ? `[${location.hostname}]`
      : location.hostname;
  return `${location.protocol}//${host}:${address.port}`;
}
