import { defineConfig } from 'vitest/config';

// Smoke tests of the built executables: `npm run build && npm run test:smoke` (.ci/run does both).
// Kept out of `npm test`, which must pass without a build.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/smoke/**/*.smoke.test.ts'],
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
