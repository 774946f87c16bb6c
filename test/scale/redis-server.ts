/**
 * A real Redis for the tests (Debian's redis-server, which .ci/run installs when missing), started on a
 * Unix socket in a temporary folder, never on a TCP port, and stopped afterwards. Each test takes a fresh
 * key prefix, so tests sharing one server cannot see each other's queues, locks or limits.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedis {
  /** unix:///…/redis.sock */
  url: string;
  /** A prefix no other test uses. */
  prefix(): string;
  stop(): Promise<void>;
}

/** Whether redis-server is installed; on CI it must be (.ci/run installs it), so a missing one fails there. */
export const HAS_REDIS = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI)
      throw new Error('redis-server is missing: .ci/run installs it (apt-get install redis-server)');
    return false;
  }
})();

/** Said in each Redis suite's name: where redis-server is missing (not on CI) the suite is skipped. */
export const NO_REDIS_REASON = 'skipped where redis-server is not installed: apt-get install redis-server';

export async function startRedis(options: { policy?: string } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'recap-redis-'));
  const socket = join(dir, 'redis.sock');
  const child = spawn(
    'redis-server',
    [
      '--port',
      '0',
      '--unixsocket',
      socket,
      '--unixsocketperm',
      '700',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      options.policy ?? 'noeviction',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await ready(child);
  let stopped: Promise<void> | undefined;
  return {
    url: `unix://${socket}`,
    prefix: () => `t${randomUUID().slice(0, 8)}`,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}

/** Resolves when the server says it accepts connections; rejects with its output when it exits first. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/ready to accept connections/i.test(output)) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`redis-server exited (${code}): ${output}`));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', onExit);
  });
}
