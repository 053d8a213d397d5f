// Checks the published shape of each package after `npm run build`: publint (package.json,
// `exports`, files in the tarball) and @arethetypeswrong/cli (the declarations resolve for Node
// and bundlers; the packages are ES modules only, so CommonJS `require` is out of scope).
// Prints each tool's report only when it finds a problem; exits non-zero then.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PUBLISHED = ['packages/schema', 'packages/client', 'packages/server'];

let failed = false;
for (const dir of PUBLISHED) {
  const checks = [
    ['publint', ['publint', '--strict', dir]],
    ['attw', ['attw', '--pack', dir, '--profile', 'esm-only', '--format', 'ascii']],
  ];
  for (const [name, args] of checks) {
    const [bin, ...rest] = args;
    const run = spawnSync(join(root, 'node_modules/.bin', bin), rest, { cwd: root, encoding: 'utf8' });
    if (run.status === 0) {
      console.log(`${name} ${dir}: clean`);
    } else {
      failed = true;
      console.error(`${name} ${dir}: FAILED (exit ${run.status})\n${run.stdout}${run.stderr}`);
    }
  }
}
if (failed) process.exit(1);
