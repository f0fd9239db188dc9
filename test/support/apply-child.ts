/**
 * A child process for test/synth-faults.test.ts: applies a change set to a repository with
 * src/synth/transaction.ts and kills itself with SIGKILL just before its Nth disk-changing
 * node:fs call (argv: root, N, the change set as JSON), as counted by the test's own in-process
 * run of the same apply.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
// Loaded before counting starts: loading writes too (tsx's cache).
import { applyAtomically, recover, withSynthLock } from '../../src/synth/transaction.ts';
import { WRITES } from './fs-intercept.ts';

const [root, killAt, json] = process.argv.slice(2) as [string, string, string];
const target = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
let calls = 0;
for (const name of WRITES) {
  const original = target[name]!;
  target[name] = (...args: unknown[]) => {
    if (++calls === Number(killAt)) process.kill(process.pid, 'SIGKILL');
    return original(...args);
  };
}
syncBuiltinESMExports();

const set = JSON.parse(json) as { write: Record<string, string>; remove: string[] };
withSynthLock(root, () => {
  recover(root);
  applyAtomically(root, { write: new Map(Object.entries(set.write)), remove: set.remove });
});
