import path from 'node:path';
import type { NextConfig } from 'next';

const workspaceRoot = path.join(__dirname, '../..');

const nextConfig: NextConfig = {
  // The workspace libraries are TypeScript sources; Next compiles them with the app.
  transpilePackages: ['@gradlab/contracts', '@gradlab/figures', '@gradlab/analysis', '@gradlab/api-client'],
  turbopack: { root: workspaceRoot },
  // A plain-node server with only the files it uses (scripts/build-web.js): what every start runs.
  output: 'standalone',
  outputFileTracingRoot: workspaceRoot,
  poweredByHeader: false,
};

export default nextConfig;
