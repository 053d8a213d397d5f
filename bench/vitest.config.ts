import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench',
    include: ['bench.smoke.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
