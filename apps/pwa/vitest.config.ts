import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'pwa', include: ['test/**/*.test.ts'] },
});
