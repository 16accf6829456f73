import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { ApiBanner } from '../components/api-banner';
import { Nav } from '../components/nav';
import { ApiProvider } from '../lib/api-context';
import { webConfig } from '../web-config';
import './globals.css';

// The api's address is read when a page is served, not baked in at build time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'gradlab', description: 'Follow, compare and diagnose deep-learning course runs' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ApiProvider address={webConfig().browserApi}>
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
