import { defineProject } from 'vitest/config';

export default defineProject({
  // Browser tests drive real Chromium against a real server: generous timeouts on a shared 2-core machine.
  test: { name: 'pwa', include: ['test/**/*.test.ts'], testTimeout: 90_000, hookTimeout: 120_000 },
});
