import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rendering shells out to kustomize; give slow machines room without hiding hangs.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Most of a test's time is spent waiting for kustomize, git and the CLI: one worker per core,
    // at least two (vitest's default leaves one core idle).
    maxWorkers: Math.max(2, availableParallelism()),
    // A worker keeps the modules it loaded (cdk8s alone takes a second) from one test file to the
    // next. No test file mocks a module or changes the working directory, and one that sets an
    // environment variable puts it back; what modules keep between files are caches (kubectl's
    // path, compiled validators, rendered environments).
    isolate: false,
    env: {
      // Every synth in the suite synthesizes for real; test/synth-reuse.test.ts tests the reuse itself.
      // Files whose subject is not synth may turn it on around their setup (test/support/synth-reuse.ts),
      // as every user has it: promote's up-to-date check then reads the state its synth just recorded.
      HIVEBOX_SYNTH_CACHE: 'off',
    },
  },
});
