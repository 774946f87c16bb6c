#!/usr/bin/env node
/**
 * Builds dist/ from src/ when, and only when, the sources changed since the last build, so
 * `npm run summarize …` starts at once yet never runs stale code after a `git pull` or an edit.
 *
 *   node tools/ensure-built.mjs                 build if stale (fails when there is no build at all)
 *   node tools/ensure-built.mjs --force         build now (npm run build)
 *   node tools/ensure-built.mjs --if-possible   build if stale and TypeScript is installed (npm's
 *                                               `prepare`: an install without dev dependencies that
 *                                               ships its own dist/ must not fail)
 *
 * "Changed" is decided by content, not by file times: a hash of tsconfig.json and every file under
 * src/, kept in dist/.sources-hash. The build goes to a fresh folder that replaces dist/ only once
 * it succeeded, so a failed build leaves the last good one, and no file of a deleted source stays.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const stamp = join(dist, '.sources-hash');

function filesUnder(folder) {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      return entry.isDirectory() ? filesUnder(path) : [path];
    })
    .sort();
}

function sourcesHash() {
  const hash = createHash('sha256');
  for (const file of [join(root, 'tsconfig.json'), ...filesUnder(join(root, 'src'))]) {
    hash
      .update(`${relative(root, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  }
  return hash.digest('hex');
}

function typescriptCompiler() {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

function build(tsc, hash) {
  const next = `${dist}.building-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--outDir', next], {
    cwd: root,
    // tsc reports errors on stdout: send them to stderr, where they cannot mix with a summary.
    stdio: ['ignore', 2, 2],
  });
  if (result.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    return false;
  }
  writeFileSync(join(next, '.sources-hash'), `${hash}\n`);
  // The `recap` command (npm link, npm i -g .) runs this file directly: keep it executable.
  chmodSync(join(next, 'main.js'), 0o755);
  const previous = `${dist}.previous-${process.pid}`;
  if (existsSync(dist)) renameSync(dist, previous);
  renameSync(next, dist);
  rmSync(previous, { recursive: true, force: true });
  return true;
}

function main(args) {
  const force = args.includes('--force');
  const ifPossible = args.includes('--if-possible');
  const hash = sourcesHash();
  const built = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : undefined;
  if (!force && built === hash && existsSync(join(dist, 'main.js'))) return 0;
  const tsc = typescriptCompiler();
  if (!tsc) {
    // Without the dev dependencies (npm ci --omit=dev) a shipped dist/ is all there is: use it.
    const present = existsSync(join(dist, 'main.js'));
    process.stderr.write(
      present
        ? 'recap: dist/ may be older than src/; TypeScript is not installed to rebuild it (npm ci does).\n'
        : 'recap: dist/ is missing and TypeScript is not installed to build it: run npm ci first.\n',
    );
    return present || ifPossible ? 0 : 1;
  }
  if (!force) process.stderr.write('recap: building (the sources changed since the last build)…\n');
  return build(tsc, hash) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
