// Loaded with `node --import` into a real `hivebox-gitops synth` by test/synth-faults.test.ts:
// when the process renames a file into the tree under HIVEBOX_TEST_ROOT (not into synth's work
// folder), the Nth time (HIVEBOX_TEST_KILL_AFTER_RENAME) it kills itself with SIGKILL right
// after the rename; with HIVEBOX_TEST_PAUSE_UNTIL=<file>, the first time it waits before renaming
// until that file exists (a synth caught in the middle of applying; at most two minutes).
// Test-only: nothing in src/ knows about it.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const root = process.env.HIVEBOX_TEST_ROOT;
const killAfter = Number(process.env.HIVEBOX_TEST_KILL_AFTER_RENAME ?? 0);
let pauseUntil = process.env.HIVEBOX_TEST_PAUSE_UNTIL;
const original = fs.renameSync;
let renames = 0;
fs.renameSync = (from, to) => {
  const intoTree = String(to).startsWith(`${root}/`) && !String(to).startsWith(`${root}/.hivebox-synth`);
  if (intoTree && pauseUntil) {
    const sleep = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; !fs.existsSync(pauseUntil) && waited < 120_000; waited += 50) Atomics.wait(sleep, 0, 0, 50);
    pauseUntil = undefined;
  }
  original(from, to);
  if (intoTree && ++renames === killAfter) process.kill(process.pid, 'SIGKILL');
};
syncBuiltinESMExports();
