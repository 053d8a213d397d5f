import { defineProject } from 'vitest/config';
import { workspaceSources } from '../scripts/workspace-sources.mjs';

export default defineProject({
  plugins: [workspaceSources()],
  test: {
    name: 'bench',
    include: ['bench.smoke.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
