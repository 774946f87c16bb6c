import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, watch } from '../helpers/spawn.js';

const REPO = join(import.meta.dirname, '../..');
const BUILD_MS = LIMITS.startMs;

/** A small project laid out as recap is: tools/ensure-built.mjs, tsconfig.json, src/, TypeScript. */
let project: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'recap-build-'));
  mkdirSync(join(project, 'tools'));
  mkdirSync(join(project, 'src'));
  mkdirSync(join(project, 'node_modules'));
  copyFileSync(join(REPO, 'tools/ensure-built.mjs'), join(project, 'tools/ensure-built.mjs'));
  symlinkSync(join(REPO, 'node_modules/typescript'), join(project, 'node_modules/typescript'));
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, types: [], outDir: 'dist' },
      include: ['src'],
    }),
  );
  writeFileSync(join(project, 'src/main.ts'), "export const answer: number = 1;\nconsole.log('one');\n");
  writeFileSync(join(project, 'src/extra.ts'), 'export const extra = 2;\n');
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

async function ensureBuilt(...args: string[]) {
  const run = watch(spawn(process.execPath, ['tools/ensure-built.mjs', ...args], { cwd: project }));
  const code = await run.exit(BUILD_MS);
  return { code, stderr: run.stderr() };
}

const built = (file: string) => join(project, 'dist', file);

describe('tools/ensure-built.mjs (npm run summarize, npm ci, the tests)', () => {
  it(
    'builds when there is no build, then not again until a source changes',
    async () => {
      expect(await ensureBuilt()).toMatchObject({ code: 0, stderr: expect.stringContaining('building') });
      expect(readFileSync(built('main.js'), 'utf8')).toContain("console.log('one')");

      // Only the content counts: a newer file time (a checkout, a touch) alone is no change.
      const later = new Date(Date.now() + 60_000);
      utimesSync(join(project, 'src/main.ts'), later, later);
      expect(await ensureBuilt()).toEqual({ code: 0, stderr: '' });

      writeFileSync(join(project, 'src/main.ts'), "export const answer: number = 1;\nconsole.log('two');\n");
      rmSync(join(project, 'src/extra.ts'));
      expect((await ensureBuilt()).stderr).toContain('building');
      expect(readFileSync(built('main.js'), 'utf8')).toContain("console.log('two')");
      expect(existsSync(built('extra.js'))).toBe(false);
    },
    4 * BUILD_MS,
  );

  it(
    'keeps the last good build when the sources do not compile, and says so with exit code 1',
    async () => {
      await ensureBuilt();
      const good = readFileSync(built('main.js'), 'utf8');
      writeFileSync(join(project, 'src/main.ts'), "export const answer: number = 'three';\n");
      const failed = await ensureBuilt();
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('error TS2322');
      expect(readFileSync(built('main.js'), 'utf8')).toBe(good);
      writeFileSync(join(project, 'src/main.ts'), "export const answer: number = 1;\nconsole.log('two');\n");
    },
    3 * BUILD_MS,
  );

  it(
    'does not fail an install without TypeScript (prepare), but a run with no build at all',
    async () => {
      rmSync(join(project, 'node_modules/typescript'));
      rmSync(join(project, 'dist'), { recursive: true, force: true });
      try {
        expect((await ensureBuilt('--if-possible')).code).toBe(0);
        const run = await ensureBuilt();
        expect(run.code).toBe(1);
        expect(run.stderr).toBe(
          'recap: dist/ is missing and TypeScript is not installed to build it: run npm ci first.\n',
        );
      } finally {
        symlinkSync(join(REPO, 'node_modules/typescript'), join(project, 'node_modules/typescript'));
      }
    },
    3 * BUILD_MS,
  );
});
