import { defineProject } from 'vitest/config';
import { workspaceSources } from '../../scripts/workspace-sources.mjs';

export default defineProject({
  plugins: [workspaceSources()],
  test: { name: 'client', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
