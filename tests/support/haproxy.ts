import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './sleep';

/** Debian's HAProxy (`scripts/ensure-haproxy.mjs` installs it; `npm test` and `.ci/run` call it). */
export const HAPROXY = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy';

/**
 * A real HAProxy in front of several server instances, started by the test: round robin, the
 * servers' `GET /api/v1/health` checked every 200 ms, a connection refused by a dead instance
 * tried again on another one (`retry-on conn-failure`, `option redispatch`). A request already
 * sent to an instance that dies is not resent by the proxy: the client sees it fail and
 * retries, as the sync client does (docs/server.md, "Several instances").
 */
export class Haproxy {
  private child: ChildProcess | null = null;
  private dir: string | null = null;
  private output = '';

  constructor(
    readonly port: number,
    private readonly backends: readonly number[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private config(): string {
    return [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  retries 3',
      '  option redispatch',
      '  retry-on conn-failure',
      'frontend api',
      `  bind 127.0.0.1:${this.port}`,
      '  default_backend servers',
      'backend servers',
      '  balance roundrobin',
      '  option httpchk GET /api/v1/health',
      ...this.backends.map((port, i) => `  server s${i} 127.0.0.1:${port} check inter 200ms fall 2 rise 1`),
      '',
    ].join('\n');
  }

  async start(timeoutMs = 10_000): Promise<void> {
    if (!existsSync(HAPROXY)) {
      throw new Error(
        `HAProxy is missing at ${HAPROXY}: run "node scripts/ensure-haproxy.mjs" (as root it installs Debian's haproxy) or set HAPROXY_PATH`,
      );
    }
    this.dir = await mkdtemp(join(tmpdir(), 'wampums-haproxy-'));
    const file = join(this.dir, 'haproxy.cfg');
    await writeFile(file, this.config());
    // -db: stays in the foreground, so that the test owns the process and its end.
    const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${this.output}`);
      if (await listening(this.port)) return;
      await sleep(50);
    }
    throw new Error(`haproxy did not listen on ${this.port}: ${this.output}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
