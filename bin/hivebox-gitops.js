#!/usr/bin/env node
// Runs the JavaScript compiled from src/ into dist/ (`npm run build`; `npm ci` runs it through
// `prepare`). In a checkout whose src/ changed since that build, it runs the TypeScript sources
// through tsx instead (a devDependency), so an edit is never answered by stale compiled code.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A closed pipe (`hivebox-gitops diff | head`) is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const root = fileURLToPath(new URL('..', import.meta.url));
let entry = '../dist/cli.js';
if (existsSync(new URL('../src/cli.ts', import.meta.url))) {
  const { staleness } = await import('../scripts/dist-manifest.mjs');
  const stale = staleness(root);
  if (stale) {
    let register;
    try {
      ({ register } = await import('tsx/esm/api'));
    } catch {
      process.stderr.write(`hivebox-gitops: ${stale}\n`);
      process.exit(2);
    }
    process.stderr.write(`hivebox-gitops: ${stale}; running src/ through tsx meanwhile\n`);
    register();
    entry = '../src/cli.ts';
  }
}
// V8's code cache for the modules below, where Node has one (22.1+): later starts skip compiling.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.(fileURLToPath(new URL('../node_modules/.cache/hivebox-gitops/v8', import.meta.url)));
const { main, processContext } = await import(entry);
process.exitCode = await main(process.argv.slice(2), processContext());
