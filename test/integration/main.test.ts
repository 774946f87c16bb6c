import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN, type FakeDiscord, startFakeDiscord } from '../fakes/discord.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { SLACK_APP_TOKEN, SLACK_BOT_TOKEN, startFakeSlack } from '../fakes/slack.js';
import { budget, LIMITS, MAIN, spawnRecap } from '../helpers/spawn.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function started<T extends { close(): Promise<void> }>(server: Promise<T>): Promise<T> {
  const running = await server;
  servers.push(running);
  return running;
}

describe('npm start (the built program)', () => {
  it(
    'starts the Discord bot when DISCORD_TOKEN is set, answers, and stops cleanly on SIGTERM',
    async () => {
      const discord: FakeDiscord = await started(startFakeDiscord());
      const ollama: FakeOllama = await started(startFakeOllama());
      const recap = spawnRecap(['start'], {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_REST_API: discord.restApi,
        OLLAMA_HOST: ollama.url,
      });
      try {
        await recap.waitForOutput('discord: logged in as recap');
        await recap.waitForOutput('ollama: llama3.2 is ready at');
        discord.slashCommand({ text: 'The board approved the budget and the new office lease.' });
        await recap.waitUntil(
          () => discord.rest.find((c) => c.method === 'POST' && Array.isArray(c.body?.embeds)),
          'the summary posted to Discord',
        );
        recap.child.kill('SIGTERM');
        expect(await recap.exit()).toBe(0);
        expect(recap.stderr()).toContain('shutting down');
      } finally {
        recap.child.kill('SIGKILL');
      }
    },
    budget('startMs', 'answerMs', 'exitMs'),
  );

  it(
    'starts the Slack app in Socket Mode beside Discord when both are configured',
    async () => {
      const [discord, ollama, slack] = await Promise.all([
        started(startFakeDiscord()),
        started(startFakeOllama()),
        started(startFakeSlack()),
      ]);
      const recap = spawnRecap(['start'], {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_REST_API: discord.restApi,
        SLACK_BOT_TOKEN,
        SLACK_APP_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        OLLAMA_HOST: ollama.url,
      });
      try {
        await recap.waitForOutput('slack: connected in Socket Mode');
        await recap.waitForOutput('discord: logged in');
        // The fake waits 5 s at most for the acknowledgement, too little on a loaded machine: the summary
        // arriving below shows the command was received, acknowledged or not.
        void slack
          .sendEnvelope('slash_commands', slack.commandForm('The vendor contract renews in March.'))
          .catch(() => undefined);
        await recap.waitUntil(
          () => slack.calls.find((c) => c.method === 'chat.postMessage' && Array.isArray(c.args.blocks)),
          'the summary posted to Slack',
        );
        recap.child.kill('SIGTERM');
        expect(await recap.exit()).toBe(0);
      } finally {
        recap.child.kill('SIGKILL');
      }
    },
    budget('startMs', 'answerMs', 'exitMs'),
  );

  it(
    'warns at start-up, in the log, when the model is not pulled',
    async () => {
      const [discord, ollama] = await Promise.all([started(startFakeDiscord()), started(startFakeOllama())]);
      const recap = spawnRecap(['start'], {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_REST_API: discord.restApi,
        OLLAMA_HOST: ollama.url,
        OLLAMA_MODEL: 'mistral',
      });
      try {
        await recap.waitForOutput('`ollama pull mistral`');
      } finally {
        recap.child.kill('SIGTERM');
        await recap.exit();
      }
    },
    budget('startMs', 'exitMs'),
  );

  it(
    'exits with a message naming the settings when Slack refuses the token',
    async () => {
      const slack = await started(startFakeSlack());
      const recap = spawnRecap(['start'], {
        SLACK_BOT_TOKEN: 'xoxb-wrong',
        SLACK_APP_TOKEN: 'xapp-wrong',
        SLACK_API_URL: slack.apiUrl,
      });
      expect(await recap.exit(LIMITS.startMs)).toBe(1);
      expect(recap.stderr()).toMatch(
        /recap: Slack could not start \(.*\)\. Check SLACK_BOT_TOKEN and SLACK_APP_TOKEN/,
      );
      expect(recap.stderr()).not.toMatch(/\n\s+at /);
    },
    budget('startMs'),
  );

  it(
    'registers the Discord commands with npm run register:discord',
    async () => {
      const discord = await started(startFakeDiscord());
      const recap = spawnRecap(['register-discord'], {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_REST_API: discord.restApi,
        DISCORD_GUILD_ID: discord.guildId,
      });
      expect(await recap.exit(LIMITS.startMs)).toBe(0);
      expect(recap.stdout()).toBe(
        `Registered summarize, Summarize, recap, Recap from here for guild ${discord.guildId}.\n`,
      );
      expect(discord.rest.find((c) => c.method === 'PUT')?.path).toBe(
        `/applications/${discord.bot.id}/guilds/${discord.guildId}/commands`,
      );
    },
    budget('startMs'),
  );

  it(
    'says which variables to set when started with no chat platform, and exits non-zero',
    async () => {
      const recap = spawnRecap(['start'], {});
      expect(await recap.exit(LIMITS.startMs)).toBe(1);
      expect(recap.stderr()).toContain('DISCORD_TOKEN');
      expect(recap.stderr()).toContain('SLACK_BOT_TOKEN');
    },
    budget('startMs'),
  );
});

/** Every module the built file loads before running any code: its static imports, followed. */
function staticImports(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const source = readFileSync(file, 'utf8');
  const specifiers = [
    ...source.matchAll(/^(?:import|export)\b[^;]*?from\s*'([^']+)'|^import\s*'([^']+)'/gm),
  ].map((match) => match[1] ?? match[2] ?? '');
  seen.set(file, specifiers);
  for (const specifier of specifiers) {
    if (specifier.startsWith('.')) staticImports(resolve(dirname(file), specifier), seen);
  }
  return seen;
}

describe('recap --help (the built program)', () => {
  it('loads the chat libraries and the core only when a command needs them', () => {
    const loaded = staticImports(MAIN);
    const modules = [...loaded.keys()].map((file) => file.slice(dirname(MAIN).length + 1));
    const packages = [...loaded.values()].flat().filter((specifier) => !specifier.startsWith('.'));
    expect(modules).toContain('cli/command-line.js');
    expect(packages.filter((name) => !name.startsWith('node:'))).toEqual([]);
    expect(
      modules.filter((name) => /^(app|config)\.js$|^(bots|commands)\/|^core\/(sources|summarize)/.test(name)),
    ).toEqual([]);
  });

  it(
    'answers at once, with the commands, and exits 0',
    async () => {
      const recap = spawnRecap(['--help'], {});
      expect(await recap.exit(LIMITS.startMs)).toBe(0);
      expect(recap.stdout()).toMatch(/^Usage: recap <command> \[options\]\n/);
      expect(recap.stdout()).toContain('register-discord');
    },
    budget('startMs'),
  );
});
