import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv, type WorkloadId } from './config';
import { consoleTable, markdownSummary, tableRows } from './lib/report';
import { runBench } from './run-bench';

/**
 * `npm run bench`: runs every workload, prints the table, writes bench/results/latest.json and
 * latest.md; with `--readme`, also replaces the "Benchmarks" section at the end of README.md.
 */
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(BENCH_DIR, 'results');
const README = path.join(BENCH_DIR, '..', 'README.md');

async function updateReadme(summary: string): Promise<void> {
  const readme = await readFile(README, 'utf8');
  const heading = '## Benchmarks';
  const start = readme.indexOf(`\n${heading}\n`);
  const before = start === -1 ? readme.trimEnd() : readme.slice(0, start).trimEnd();
  const section = [
    heading,
    '',
    '`npm run bench` measures our engine in Chromium against real PostgreSQL, beside the limit of the',
    'platform and a peer (RxDB) doing the same work in the same run; how to read the figures is in',
    '[bench/README.md](bench/README.md). Latest full run:',
    '',
    summary.trimEnd(),
    '',
  ].join('\n');
  await writeFile(README, `${before}\n\n${section}`);
}

const config = configFromEnv();
const started = Date.now();
const results = await runBench(config, (message) =>
  console.log(`[bench ${Math.round((Date.now() - started) / 1000)}s] ${message}`),
);
const { only } = config;
const rows = tableRows(results).filter(
  (row) => only === null || only.has((row.workload ?? row.id) as WorkloadId),
);
const summary = markdownSummary(results, rows);
if (only !== null) {
  // A partial run is for iterating on one workload: the results files keep the last full run.
  console.log(`\n${consoleTable(rows)}\n`);
  console.log(
    `Partial run (BENCH_ONLY=${[...only].join(',')}): bench/results and README.md left as they are.`,
  );
  process.exit(0);
}
await mkdir(RESULTS, { recursive: true });
await writeFile(
  path.join(RESULTS, 'latest.json'),
  `${JSON.stringify({ ...results, table: rows }, null, 2)}\n`,
);
await writeFile(path.join(RESULTS, 'latest.md'), `# Latest bench run\n\n${summary}`);
if (process.argv.includes('--readme')) await updateReadme(summary);
console.log(`\n${consoleTable(rows)}\n`);
const missed = rows.filter((row) => row.met === false).map((row) => `${row.id} ${row.figure}`);
console.log(missed.length ? `Goals missed: ${missed.join('; ')}` : 'Every goal met.');
console.log(`Written: ${path.relative(process.cwd(), path.join(RESULTS, 'latest.json'))}, latest.md`);
