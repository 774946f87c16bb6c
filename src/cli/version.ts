import { readFileSync } from 'node:fs';

/** recap's version, from its package.json (two folders up from both src/cli and dist/cli). */
export function recapVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}
