import { defineProject } from 'vitest/config';
import { workspaceSources } from '../../scripts/workspace-sources.mjs';

export default defineProject({
  plugins: [workspaceSources()],
  test: {
    name: 'security',
    include: ['**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
