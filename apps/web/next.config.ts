import path from 'node:path';
import type { NextConfig } from 'next';

const workspaceRoot = path.join(__dirname, '../..');

const nextConfig: NextConfig = {
  // The workspace libraries are TypeScript sources; Next compiles them with the app.
  transpilePackages: ['@gradlab/contracts', '@gradlab/figures', '@gradlab/analysis'],
  turbopack: { root: workspaceRoot },
  outputFileTracingRoot: workspaceRoot,
  poweredByHeader: false,
};

export default nextConfig;
