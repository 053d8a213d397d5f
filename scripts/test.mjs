// The one test command: type-check, lint, build the packages and the app, check the packages'
// published shape, then every test of every package (the example app's test installs the packed
// packages, so they are built first).
// It stops at the first failing step and exits non-zero, so CI fails with it.
import { spawnSync } from 'node:child_process';
import { ensureChromium } from './ensure-chromium.mjs';
import { ensureHaproxy } from './ensure-haproxy.mjs';
import { assertPostgres } from './ensure-postgres.mjs';

ensureChromium();
ensureHaproxy();
await assertPostgres();

const steps = [
  ['type-check', 'npm', ['run', 'typecheck']],
  ['lint', 'npm', ['run', 'lint']],
  ['build', 'npm', ['run', 'build']],
  ['package checks', 'node', ['scripts/check-packages.mjs']],
  ['tests', 'npx', ['vitest', 'run', ...process.argv.slice(2)]],
];
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const { status } = spawnSync(cmd, args, { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`\n${name} failed (exit ${status}).`);
    process.exit(status ?? 1);
  }
}
console.log('\nAll checks passed.');
