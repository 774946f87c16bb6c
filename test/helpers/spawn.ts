import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface RunningRecap {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * The built program (`node dist/main.js …`) with only the given environment, as a user would run it.
 * It runs in a temporary folder, so a developer's own .env file cannot change what a test sees.
 */
export function spawnRecap(args: string[], env: Record<string, string>, stdin = ''): RunningRecap {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.stdin?.end(stdin);
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}
