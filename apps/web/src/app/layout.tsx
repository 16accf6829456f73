import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { ApiBanner } from '../components/api-banner';
import { Nav } from '../components/nav';
import { resolveBrowserApiUrl } from '../lib/api-address';
import { ApiProvider } from '../lib/api-context';
import { webConfig } from '../web-config';
import './globals.css';

// The api's address is read when a page is served, not baked in at build time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'gradlab',
  description: 'Follow, compare and diagnose deep-learning course runs',
};

/**
 * Where this browser reaches the api, worked out from the address it asked for this page by (its Host
 * header): the same URL the browser would work out from its location, so links rendered here and in the
 * browser agree.
 */
async function browserApiUrl(): Promise<string> {
  const request = await headers();
  const host = request.get('x-forwarded-host') ?? request.get('host') ?? 'localhost';
  const protocol = (request.get('x-forwarded-proto') ?? 'http').split(',')[0].trim();
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return resolveBrowserApiUrl(webConfig().browserApi, { protocol: `${protocol}:`, hostname });
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ApiProvider apiUrl={await browserApiUrl()}>
          <Nav />
          <ApiBanner />
          {/* Pages render at once (an unknown run must answer 404 while the page is served); a page whose
              calls answer 401 sends the reader to sign in. */}
          <main>{children}</main>
        </ApiProvider>
      </body>
    </html>
  );
}
