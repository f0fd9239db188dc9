#!/usr/bin/env node
// The sources are TypeScript run through tsx: no build step, so the CLI can never
// run stale compiled code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const { processContext } = await import('../src/commands/context.ts');
process.exitCode = await main(process.argv.slice(2), processContext());
