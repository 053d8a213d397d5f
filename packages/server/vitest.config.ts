import { defineProject } from 'vitest/config';
import { workspaceSources } from '../../scripts/workspace-sources.mjs';

export default defineProject({
  plugins: [workspaceSources()],
  test: {
    name: 'server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Opening PGlite takes seconds; each file opens one and reuses it.
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});
