/**
 * A child process for test/synth-faults.test.ts: applies a change set to a repository with
 * src/synth/transaction.ts and kills itself with SIGKILL just before its Nth disk-changing
 * node:fs call (argv: root, N, the change set as JSON), as counted by the test's own in-process
 * run of the same apply.
 */
// Loaded before counting starts: loading writes too (tsx's cache).
import { applyAtomically, recover, withSynthLock } from '../../src/synth/transaction.ts';
import { interceptFs, WRITES } from './fs-intercept.ts';

const [root, killAt, json] = process.argv.slice(2) as [string, string, string];
const set = JSON.parse(json) as { write: Record<string, string>; remove: string[] };
let calls = 0;
await interceptFs(
  WRITES,
  (_name, args, original) => {
    if (++calls === Number(killAt)) process.kill(process.pid, 'SIGKILL');
    return original(...args);
  },
  async () =>
    withSynthLock(root, () => {
      recover(root);
      applyAtomically(root, { write: new Map(Object.entries(set.write)), remove: set.remove });
    }),
);
