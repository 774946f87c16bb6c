/**
 * How fast `recap --help` answers (issue 10): the built program, beside a bare `node` and beside
 * loading what `recap --help` loaded before it was made lazy (the core, discord.js and Bolt, all
 * imported by main.ts before it read its arguments). Medians of alternating runs, in one run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const RUNS = 9;

const CASES: Record<string, string[]> = {
  'node -e 0 (bare Node)': ['-e', '0'],
  'recap --help': [`${DIST}main.js`, '--help'],
  'recap --version': [`${DIST}main.js`, '--version'],
  'the core, discord.js and Bolt (--help before)': [
    '--input-type=module',
    '-e',
    ['app.js', 'bots/discord/bot.js', 'bots/slack/app.js']
      .map((m) => `await import('${DIST}${m}');`)
      .join(''),
  ],
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function benchStartup(): void {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(CASES).map((name) => [name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const [name, args] of Object.entries(CASES)) {
      const started = performance.now();
      const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
      if (result.status !== 0) throw new Error(`${name} failed with ${result.status}`);
      times[name]?.push(performance.now() - started);
    }
  }
  const bare = median(times['node -e 0 (bare Node)'] ?? []);
  console.log(`\nStart-up (median of ${RUNS} runs, ms; ratio to a bare node)`);
  for (const [name, values] of Object.entries(times)) {
    const value = median(values);
    console.log(`${name.padEnd(48)} ${value.toFixed(0).padStart(6)}   ${(value / bare).toFixed(1)}×`);
  }
}
