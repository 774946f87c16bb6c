/**
 * recap as several processes, for the tests that need real processes (signals, a process killed
 * outright): each role is the built program (`recap start`) with its own environment, as deployed.
 */
import { createServer } from 'node:net';
import { budget, type RunningRecap, spawnRecap } from '../helpers/spawn.js';

export { budget };

/** A loopback port free now, for a process that must be told its port up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The JSON log lines (LOG_FORMAT=json) of a process that carry a field with this value. */
export function logLines(recap: RunningRecap, field: string, value: string): Record<string, unknown>[] {
  return recap
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line[field] === value);
}

export async function get(port: number, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, text: await response.text() };
}

/** A Prometheus sample's value, or undefined when the series has no such sample. */
export function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

export class Processes {
  private readonly all: RunningRecap[] = [];
  start(env: Record<string, string>): RunningRecap {
    const recap = spawnRecap(['start'], env);
    this.all.push(recap);
    return recap;
  }
  killAll(): void {
    for (const recap of this.all) recap.child.kill('SIGKILL');
  }
}
