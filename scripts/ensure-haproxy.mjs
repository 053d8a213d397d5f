// The multi-instance test (tests/load) puts several servers behind Debian's HAProxy at
// /usr/sbin/haproxy (never a downloaded binary). When it is missing: install it with apt when
// running as root, otherwise stop and say how.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const HAPROXY = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy';

export function ensureHaproxy() {
  if (existsSync(HAPROXY)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let hasApt = false;
  try {
    execSync('command -v apt-get', { stdio: 'ignore' });
    hasApt = true;
  } catch {}
  if (!isRoot || !hasApt) {
    console.error(
      `HAProxy is missing at ${HAPROXY}. Install Debian's package first:\n  sudo apt-get update && sudo apt-get install -y haproxy\n(or set HAPROXY_PATH to an haproxy binary).`,
    );
    process.exit(1);
  }
  console.log('Installing Debian haproxy (needed by the multi-instance test)...');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy', {
    stdio: 'inherit',
  });
  if (!existsSync(HAPROXY)) {
    console.error(`apt-get finished but ${HAPROXY} is still missing.`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureHaproxy();
