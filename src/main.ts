#!/usr/bin/env node
/**
 * The composition root and the only reader of the environment: `recap start` runs the chat bots,
 * `recap summarize …` the CLI.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { runCli, USAGE } from './cli.js';
import { loadConfig } from './config.js';
import { describeCauses, userMessageOf } from './core/errors.js';

/** The environment, with a `.env` file in the working directory filling in what it does not set. */
function readEnvironment(): Record<string, string | undefined> {
  const fromFile = existsSync('.env') ? parseEnv(readFileSync('.env', 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

async function start(env: Record<string, string | undefined>): Promise<number> {
  const config = loadConfig(env);
  const platforms = [
    { name: 'Discord', enabled: config.discord !== undefined },
    { name: 'Slack', enabled: config.slack !== undefined },
  ];
  const requested = platforms.filter((platform) => platform.enabled).map((platform) => platform.name);
  if (requested.length === 0) {
    process.stderr.write(
      'recap: no chat platform is configured. Set DISCORD_TOKEN to run the Discord bot, or SLACK_BOT_TOKEN to run the Slack app (see .env.example and the README). To summarize from a terminal, use `recap summarize <file>`.\n',
    );
    return 1;
  }
  process.stderr.write(
    `recap: ${requested.join(' and ')} ${requested.length > 1 ? 'are' : 'is'} configured, but this version of recap has no chat adapters yet; use \`recap summarize <file>\` meanwhile.\n`,
  );
  return 1;
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  const env = readEnvironment();
  if (command === 'start') return start(env);
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  return runCli(argv, {
    env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    ...(env.RECAP_DEBUG ? { debug: (text: string) => process.stderr.write(`${text}\n`) } : {}),
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`recap: ${userMessageOf(error).replace(/\n/g, '\n  ')}\n`);
    if (process.env.RECAP_DEBUG) process.stderr.write(`${describeCauses(error)}\n`);
    process.exitCode = 1;
  },
);
