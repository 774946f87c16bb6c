import { execFileSync } from 'node:child_process';

/** The CLI tests run the built program, as a user would: build it once before the tests. */
export default function buildOnce(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
    stdio: 'inherit',
  });
}
