import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Makes the embedded database's folder private to the user running the server (`docs/privacy.md`):
 * folders 0700, files 0600. PGlite creates its files 0666 whatever the umask, so this runs before
 * it opens (fixing a folder made by an older version), after it opened, every hour and on close.
 * The folder's own 0700 is what keeps others out in between: nothing under it can be reached.
 * Returns how many entries it changed.
 */
export async function makeFolderPrivate(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return 1 + (await walk(dir));
}

async function walk(dir: string): Promise<number> {
  let changed = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await chmod(path, 0o700);
      changed += 1 + (await walk(path));
    } else if (entry.isFile()) {
      await chmod(path, 0o600);
      changed += 1;
    }
  }
  return changed;
}
