import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rendering shells out to kustomize; give slow machines room without hiding hangs.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
