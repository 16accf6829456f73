#!/usr/bin/env node
// `npx gradlab ...` in the workspace: runs the TypeScript CLI through SWC.
require('@swc-node/register');
require('../src/main.ts').runCli(process.argv);
