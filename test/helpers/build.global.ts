import { execFileSync } from 'node:child_process';

/**
 * The CLI tests run the built program, as a user would: build it first when the sources changed
 * since the last build (tools/ensure-built.mjs compares their content with what dist/ was built from).
 */
export default function buildOnce(): void {
  execFileSync(process.execPath, ['tools/ensure-built.mjs'], { stdio: 'inherit' });
}
