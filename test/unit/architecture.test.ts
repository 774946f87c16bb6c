import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((match) => match[1] ?? '');
}

describe('layers', () => {
  const files = sourceFiles(SRC);

  it('finds the source files it checks', () => {
    expect(files.some((file) => file.includes('/core/'))).toBe(true);
    expect(files.some((file) => file.includes('/commands/'))).toBe(true);
  });

  it('keeps the core and the commands free of Discord, Slack and the bots', () => {
    const offenders = files
      .filter((file) => /\/src\/(core|commands)\//.test(file))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => /^(discord\.js|@discordjs\/|@slack\/)/.test(spec) || /\/bots\//.test(spec))
          .map((spec) => `${relative(SRC, file)} imports ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps the core from importing the commands or the platform wiring', () => {
    const offenders = files
      .filter((file) => file.includes('/src/core/'))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => /\/(commands|bots)\/|\.\.\/(config|main|cli|app)\.js$/.test(spec))
          .map((spec) => `${relative(SRC, file)} imports ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('reads the environment only in src/main.ts', () => {
    const readers = files
      .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(readers).toEqual(['main.ts']);
  });
});
