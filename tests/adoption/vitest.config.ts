import { defineProject } from 'vitest/config';
import { workspaceSources } from '../../scripts/workspace-sources.mjs';

export default defineProject({
  plugins: [workspaceSources()],
  test: {
    name: 'adoption',
    include: ['**/*.test.ts'],
    // Packing, installing into an empty project and starting Chromium: minutes on a busy machine.
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
