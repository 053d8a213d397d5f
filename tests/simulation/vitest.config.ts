import { defineProject } from 'vitest/config';
import { workspaceSources } from '../../scripts/workspace-sources.mjs';

const soak = process.env.SIM_PROFILE === 'soak';
const soakMinutes = Number(process.env.SOAK_MINUTES ?? 10);

export default defineProject({
  plugins: [workspaceSources()],
  test: {
    name: 'simulation',
    include: ['**/*.test.ts'],
    // A bounded simulation takes well under a minute on 2 cores, plus at most a minute of
    // shrinking when it fails; a soak takes SOAK_MINUTES plus its last run and shrinking.
    testTimeout: soak ? (soakMinutes + 30) * 60_000 : 5 * 60_000,
    hookTimeout: 120_000,
  },
});
