import { defineProject } from 'vitest/config';

const soak = process.env.SIM_PROFILE === 'soak';
const soakMinutes = Number(process.env.SOAK_MINUTES ?? 10);

export default defineProject({
  test: {
    name: 'simulation',
    include: ['**/*.test.ts'],
    // A bounded run takes a few minutes on 2 cores; a soak takes SOAK_MINUTES plus shrinking.
    testTimeout: soak ? (soakMinutes + 30) * 60_000 : 15 * 60_000,
    hookTimeout: 120_000,
  },
});
