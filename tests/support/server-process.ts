import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sleep } from './sleep';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'packages/server/src/main.ts';

export interface ServerProcessOptions {
  port: number;
  /** PostgreSQL; without it the server uses an embedded PGlite database in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  jwtSecret: string;
  seedDemo: boolean;
  /** Extra environment (limits, rate limit...). */
  env?: Record<string, string>;
}

/**
 * The real server as a child process (`packages/server/src/main.ts` through tsx), so that it can
 * be killed with SIGKILL in the middle of a request and started again on the same database and
 * port. The node process is spawned directly (not through npx) so that the kill reaches it.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  private output: string[] = [];
  /** How many times it was killed with SIGKILL. */
  kills = 0;
  /** Milliseconds each start took until `/health` answered 200. */
  readonly startTimes: number[] = [];

  constructor(private readonly options: ServerProcessOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  /** Starts the process and waits until `GET /api/v1/health` answers 200. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('server already running');
    const started = Date.now();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.options.port),
      HOST: '127.0.0.1',
      JWT_SECRET: this.options.jwtSecret,
      SEED_DEMO: String(this.options.seedDemo),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ...this.options.env,
    };
    delete env.DATABASE_URL;
    delete env.DATA_DIR;
    if (this.options.databaseUrl) env.DATABASE_URL = this.options.databaseUrl;
    if (this.options.dataDir) env.DATA_DIR = this.options.dataDir;
    const child = spawn(process.execPath, ['--conditions=@wampums/source', '--import', 'tsx', MAIN], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    while (Date.now() - started < timeoutMs) {
      if (exited) throw new Error(`server exited during start:\n${this.log()}`);
      try {
        const response = await fetch(`${this.url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
        await response.body?.cancel();
        if (response.status === 200) {
          this.startTimes.push(Date.now() - started);
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`server did not become healthy in ${timeoutMs} ms:\n${this.log()}`);
  }

  /** SIGKILL: no graceful shutdown, in-flight transactions die with the process. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    this.kills += 1;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Graceful stop (SIGTERM, then SIGKILL after a grace period). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** The last lines the process printed (for failure messages). */
  log(): string {
    return this.output.join('').split('\n').slice(-40).join('\n');
  }
}
