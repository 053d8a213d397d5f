import { defineProject } from 'vitest/config';
import { workspaceSources } from '../../scripts/workspace-sources.mjs';

export default defineProject({
  plugins: [workspaceSources()],
  // Browser tests drive real Chromium against a real server: generous timeouts on a shared 2-core
  // machine, and one file at a time (each starts a server and a browser; in parallel they starve).
  test: {
    name: 'pwa',
    include: ['test/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
