// Prints every production dependency of every workspace package (name, wanted range, version
// locked in package-lock.json) as a Markdown table: the registry's audit endpoint does not answer
// here, so the list is reviewed by hand. Usage: node tests/support/dependency-table.mjs
import { readFileSync } from 'node:fs';

const root = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const rows = [];
for (const workspace of root.workspaces) {
  const pkg = JSON.parse(readFileSync(`${workspace}/package.json`, 'utf8'));
  for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
    if (name.startsWith('@wampums/')) continue;
    const locked =
      lock.packages?.[`node_modules/${name}`]?.version ??
      lock.packages?.[`${workspace}/node_modules/${name}`]?.version ??
      '?';
    rows.push(`| ${pkg.name} | ${name} | ${range} | ${locked} |`);
  }
}
console.log(['| workspace | dependency | range | locked |', '|---|---|---|---|', ...rows].join('\n'));
