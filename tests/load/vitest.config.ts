import { defineProject } from 'vitest/config';
import { workspaceSources } from '../../scripts/workspace-sources.mjs';

export default defineProject({
  plugins: [workspaceSources()],
  test: {
    name: 'load',
    include: ['**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
