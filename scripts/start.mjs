// `npm start`: builds the PWA when it has not been built yet, then runs the server with tsx, on
// the packages' TypeScript source (the `@wampums/source` condition: scripts/workspace-sources.ts).
// Settings come from the environment (PORT, HOST, DATABASE_URL, DATA_DIR, SEED_DEMO, JWT_SECRET,
// LOG_LEVEL); see docs/server.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pwaIndex = join(root, 'apps/pwa/dist/index.html');

if (!existsSync(pwaIndex)) {
  console.log('Building the PWA (apps/pwa/dist is missing)...');
  const { status } = spawnSync('npm', ['run', 'build', '-w', '@wampums/pwa'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (status !== 0) {
    console.error('The PWA build failed.');
    process.exit(status ?? 1);
  }
}

const child = spawn(
  process.execPath,
  ['--conditions=@wampums/source', '--import', 'tsx', join(root, 'packages/server/src/main.ts')],
  {
    cwd: root,
    stdio: ['inherit', 'pipe', 'inherit'],
    env: process.env,
  },
);
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const match = /listening on (\S+)/.exec(String(chunk));
  if (match) {
    console.log(`\nOpen ${match[1]} in a browser.`);
    if (!process.env.DATABASE_URL) {
      console.log('Demo accounts (password "offline-first"):');
      console.log('  admin@pack-a.test, leader@pack-a.test, viewer@pack-a.test  (organization A, French)');
      console.log('  leader@pack-b.test                                          (organization B, English)');
    }
  }
});
// Pass stop signals on, so the server finishes in-flight requests before exiting.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
