#!/usr/bin/env node
/**
 * The composition root and the only reader of the environment: `recap start` runs the chat bots,
 * `recap summarize …` the CLI. Everything heavy is imported when a command needs it: `recap --help`
 * loads no library, and discord.js and Bolt load only for the platforms `recap start` runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { Recap } from './app.js';
import { parseCommandLine } from './cli/command-line.js';
import { isOn } from './cli/flags.js';
import { runCli } from './cli.js';
import type { ChatRuntime } from './commands/runtime.js';
import type { Config, RedisConfig } from './config.js';
import { describeCauses, RecapError, userMessageOf } from './core/errors.js';
import type { Logger } from './core/log.js';
import type { StartedPlatform } from './scale/roles.js';

/** The environment, with a `.env` file in the working directory filling in what it does not set. */
function readEnvironment(): Record<string, string | undefined> {
  let fromFile = {};
  try {
    fromFile = existsSync('.env') ? parseEnv(readFileSync('.env', 'utf8')) : {};
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RecapError('config_invalid', `Can't read .env in ${process.cwd()}: ${reason}.`, {
      cause: error,
    });
  }
  return { ...fromFile, ...process.env };
}

async function start(env: Record<string, string | undefined>): Promise<number> {
  // Loaded side by side: start-up waits for the slowest, not for the sum.
  const [{ loadConfig }] = await Promise.all([
    import('./config.js'),
    import('./app.js'),
    import('./core/pino-logger.js'),
  ]);
  const config = loadConfig(env);
  const log = await startLogger(config);
  if (!config.discord && !config.slack) {
    process.stderr.write(
      config.role === 'worker'
        ? 'recap: a worker answers on the chat platforms: set DISCORD_TOKEN and/or SLACK_BOT_TOKEN, as on the fronts (see the README, "Deployment").\n'
        : 'recap: no chat platform is configured. Set DISCORD_TOKEN to run the Discord bot, or SLACK_BOT_TOKEN to run the Slack app (see .env.example and the README). To summarize from a terminal, use `recap summarize <file>`.\n',
    );
    return 1;
  }
  // A last resort: recap handles its own failures, but a stray rejection must not take every job down.
  process.on('unhandledRejection', (reason) => log.error(`unhandled rejection: ${describeCauses(reason)}`));
  const stop = config.redis
    ? await startRoles({ ...config, redis: config.redis }, log)
    : await startOneProcess(config, log);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('shutting down');
  await stop();
  return 0;
}

/** The log, with every credential recap holds redacted wherever it would appear. */
async function startLogger(config: Config): Promise<Logger> {
  const { createLogger } = await import('./core/pino-logger.js');
  return createLogger({
    ...config.log,
    secrets: [
      config.discord?.token,
      config.slack?.botToken,
      config.slack?.appToken,
      config.slack?.signingSecret,
    ],
  });
}

/** Fronts and workers on Redis (REDIS_URL): this process's role. Returns how to stop it. */
async function startRoles(
  config: Config & { redis: RedisConfig },
  log: Logger,
): Promise<() => Promise<void>> {
  const { startScaled } = await import('./scale/roles.js');
  const running = await startScaled(config, log, (runtime, recap) =>
    startPlatforms(config, runtime, recap, log),
  );
  return () => running.stop();
}

/** Everything in this process, in memory, as recap has always run. Returns how to stop it. */
async function startOneProcess(config: Config, log: Logger): Promise<() => Promise<void>> {
  const { createChatRuntime, createRecap } = await import('./app.js');
  const observed =
    config.metricsPort === undefined
      ? undefined
      : (await import('./scale/one-process.js')).observeOneProcess(config, config.metricsPort, log);
  const recap = createRecap(config, {}, observed ? { metrics: observed.metrics } : {});
  void checkModel(recap, log);
  const runtime = createChatRuntime(config, recap, log, observed?.seams);
  const platforms = await startPlatforms(config, runtime, recap, log).catch(async (error: unknown) => {
    await runtime.stop();
    throw error;
  });
  const stop = async () => {
    // The jobs under way first (each person is told), while the platforms can still carry the message.
    await runtime.stop();
    await Promise.allSettled(platforms.map((platform) => platform.stop()));
  };
  const health = await observed?.serve(platforms).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return async () => {
    await stop();
    await health?.close();
  };
}

async function startPlatforms(
  config: Config,
  runtime: ChatRuntime,
  recap: Recap,
  log: Logger,
): Promise<StartedPlatform[]> {
  const started: StartedPlatform[] = [];
  try {
    if (config.discord) {
      const discord = config.discord;
      const { startDiscordBot } = await import('./bots/discord/bot.js');
      const bot = await startingPlatform('Discord', 'DISCORD_TOKEN', () =>
        startDiscordBot({ ...discord, runtime, fetchFile: recap.fetch, log }),
      );
      started.push({
        stop: () => bot.stop(),
        ready: () => (bot.client.isReady() ? true : 'the Discord gateway is not connected'),
      });
    }
    if (config.slack) {
      const slack = config.slack;
      const { startSlackApp } = await import('./bots/slack/app.js');
      const settings = slack.appToken
        ? 'SLACK_BOT_TOKEN and SLACK_APP_TOKEN'
        : `SLACK_BOT_TOKEN, and that PORT ${slack.port} is free`;
      const app = await startingPlatform('Slack', settings, () =>
        startSlackApp({ ...slack, runtime, fetchFile: recap.fetch, log }),
      );
      started.push({ stop: () => app.stop(), ready: () => true });
    }
  } catch (error) {
    await Promise.allSettled(started.map((platform) => platform.stop()));
    throw error;
  }
  return started;
}

/** Says at start-up whether the model is there, so a missing `ollama pull` shows in the log, not in chat. */
async function checkModel(recap: Recap, log: Logger): Promise<void> {
  try {
    const context = await recap.model.contextLength(AbortSignal.timeout(15_000));
    log.info(
      `ollama: ${recap.model.name} is ready at ${recap.model.host} (trained context ${context} tokens)`,
    );
  } catch (error) {
    log.warn(`ollama: ${userMessageOf(error)}`);
  }
}

/** Starts one platform; a failure names the platform and the settings to check. */
async function startingPlatform<T>(name: string, settings: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof RecapError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RecapError(
      'config_invalid',
      `${name} could not start (${reason}). Check ${settings}, and that ${name} is reachable.`,
      {
        cause: error,
      },
    );
  }
}

async function registerDiscord(env: Record<string, string | undefined>): Promise<number> {
  const [{ loadConfig }, { registerCommands }] = await Promise.all([
    import('./config.js'),
    import('./bots/discord/register.js'),
  ]);
  const { discord } = loadConfig(env);
  if (!discord) {
    process.stderr.write(
      'recap: set DISCORD_TOKEN (and DISCORD_GUILD_ID to register to one server instantly).\n',
    );
    return 1;
  }
  const result = await registerCommands(discord);
  process.stdout.write(`Registered ${result.names.join(', ')} for ${result.scope}.\n`);
  return 0;
}

/** Whether failures print their cause chain; read with the rest of the environment. */
let debug = isOn(process.env.RECAP_DEBUG);

/** Help, the version and usage errors read no settings: they answer even beside a broken .env. */
function needsSettings(argv: readonly string[]): boolean {
  const { kind } = parseCommandLine(argv);
  return kind !== 'help' && kind !== 'version' && kind !== 'usage-error';
}

async function main(argv: string[]): Promise<number> {
  const env = needsSettings(argv) ? readEnvironment() : { ...process.env };
  debug = isOn(env.RECAP_DEBUG);
  const controller = new AbortController();
  const interrupted = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupted);
  try {
    return await runCli(argv, {
      env,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      signal: controller.signal,
      ...(debug ? { debug: (text: string) => process.stderr.write(`${text}\n`) } : {}),
      chat: {
        start: () => {
          // `start` stops on SIGINT itself, by shutting down cleanly.
          process.off('SIGINT', interrupted);
          return start(env);
        },
        registerDiscord: () => registerDiscord(env),
      },
    });
  } finally {
    process.off('SIGINT', interrupted);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`recap: ${userMessageOf(error).replace(/\n/g, '\n  ')}\n`);
    if (debug) process.stderr.write(`${describeCauses(error)}\n`);
    process.exitCode = 1;
  },
);
