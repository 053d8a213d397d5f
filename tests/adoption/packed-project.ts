import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGES = ['schema', 'client', 'server'] as const;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds a package unless its `dist/` is newer than its source (`npm test` has just built them;
 * a run of this file alone builds what is missing or stale).
 */
function ensureBuilt(name: string): void {
  const dir = join(REPO_ROOT, 'packages', name);
  const dist = join(dir, 'dist/index.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestMtime(join(dir, 'src'))) return;
  execFileSync('npm', ['run', 'build', '--workspace', `@wampums/${name}`], { cwd: REPO_ROOT, stdio: 'pipe' });
}

/**
 * Packs the three packages as `npm publish` would, copies the example app into a fresh folder
 * outside the workspace and installs the tarballs there (other dependencies from the registry,
 * or npm's cache). Returns the app's folder.
 */
export function installPackedExample(): { dir: string; tarballs: Record<string, string> } {
  for (const name of PACKAGES) ensureBuilt(name);
  const root = mkdtempSync(join(tmpdir(), 'wampums-adopt-'));
  const packed = JSON.parse(
    execFileSync(
      'npm',
      [
        'pack',
        '--json',
        '--ignore-scripts',
        '--pack-destination',
        root,
        ...PACKAGES.flatMap((name) => ['--workspace', `@wampums/${name}`]),
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    ),
  ) as { name: string; filename: string }[];
  const tarballs = Object.fromEntries(packed.map((p) => [p.name, join(root, p.filename)]));

  const dir = join(root, 'app');
  cpSync(join(REPO_ROOT, 'examples/offline-groups'), dir, {
    recursive: true,
    filter: (source) => !source.includes('node_modules'),
  });
  const manifestPath = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const [name, file] of Object.entries(tarballs)) manifest.dependencies[name] = `file:${file}`;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: dir,
    stdio: 'pipe',
    timeout: 480_000,
  });
  return { dir, tarballs };
}
