#!/usr/bin/env node
// The sources are TypeScript run through tsx: no build step, so the CLI can never
// run stale compiled code.
import { register } from 'tsx/esm/api';

// A closed pipe (`hivebox-gitops diff | head`) is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

register();
const { main } = await import('../src/cli.ts');
const { processContext } = await import('../src/commands/context.ts');
process.exitCode = await main(process.argv.slice(2), processContext());
