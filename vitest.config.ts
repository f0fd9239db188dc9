import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rendering shells out to kustomize; give slow machines room without hiding hangs.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: {
      // Every synth in the suite synthesizes for real; test/synth-reuse.test.ts tests the reuse itself.
      HIVEBOX_SYNTH_CACHE: 'off',
    },
  },
});
