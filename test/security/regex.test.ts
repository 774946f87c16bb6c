import { check, type Diagnostics } from 'recheck';
import { describe, expect, it } from 'vitest';
import { type RegexLiteral, regexLiteralsInSrc } from './regex-literals.js';

/**
 * Patterns recheck finds super-linear, in files another helper owns, each with why it stays for now
 * and who changes it. This list may only shrink: the test fails for a listed pattern that is no
 * longer there, and for any unsafe pattern not listed.
 */
const KNOWN_UNSAFE: { file: string; source: string; why: string }[] = [];

/** Every literal, checked by recheck's automaton checker (exact, no sampling): safe, or why not. */
async function diagnose(
  literals: readonly RegexLiteral[],
): Promise<{ literal: RegexLiteral; result: Diagnostics }[]> {
  const results: { literal: RegexLiteral; result: Diagnostics }[] = [];
  // A few at a time: the native checker runs in a child process, the pure-JS fallback on a worker.
  for (let index = 0; index < literals.length; index += 8) {
    const batch = literals.slice(index, index + 8);
    results.push(
      ...(await Promise.all(
        batch.map(async (literal) => ({
          literal,
          result: await check(literal.source, literal.flags, { checker: 'automaton', timeout: 20_000 }),
        })),
      )),
    );
  }
  return results;
}

const describeResult = ({ literal, result }: { literal: RegexLiteral; result: Diagnostics }) =>
  `${literal.where} /${literal.source}/${literal.flags}: ${result.status}${
    result.status === 'vulnerable'
      ? ` (${result.complexity.summary}, e.g. ${JSON.stringify(result.attack.pattern)})`
      : ''
  }${result.status === 'unknown' ? ` (${result.error.kind})` : ''}`;

describe('regular expressions in src/', () => {
  const { literals, constructed } = regexLiteralsInSrc();

  it('finds the patterns to check', () => {
    expect(literals.length).toBeGreaterThan(50);
    expect(literals.some((literal) => literal.file === 'src/commands/links.ts')).toBe(true);
  });

  it('builds none from strings, which could not be checked here', () => {
    expect(constructed).toEqual([]);
  });

  it('has none that can backtrack super-linearly, beyond the listed ones', { timeout: 300_000 }, async () => {
    const results = await diagnose(literals);
    const isKnown = ({ literal }: { literal: RegexLiteral }) =>
      KNOWN_UNSAFE.some((known) => known.file === literal.file && known.source === literal.source);
    const unsafe = results.filter(({ result }) => result.status !== 'safe');
    expect(unsafe.filter((entry) => !isKnown(entry)).map(describeResult)).toEqual([]);
    const stale = KNOWN_UNSAFE.filter(
      (known) =>
        !unsafe.some(({ literal }) => literal.file === known.file && literal.source === known.source),
    );
    expect(
      stale.map((known) => `${known.file} /${known.source}/ is safe or gone: remove it from the list`),
    ).toEqual([]);
  });
});
