import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN, type FakeDiscord, startFakeDiscord } from '../fakes/discord.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { waitFor } from '../helpers/discord-harness.js';

let discord: FakeDiscord | undefined;
let ollama: FakeOllama | undefined;
afterEach(async () => {
  await discord?.close();
  await ollama?.close();
  discord = ollama = undefined;
});

describe('npm start (the built program)', () => {
  it('starts the Discord bot when DISCORD_TOKEN is set, answers, and stops cleanly on SIGTERM', async () => {
    [discord, ollama] = await Promise.all([startFakeDiscord(), startFakeOllama()]);
    const child = spawn(process.execPath, ['dist/main.js', 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_REST_API: discord.restApi,
        OLLAMA_HOST: ollama.url,
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor(() => stderr.includes('discord: logged in as recap'));
    discord.slashCommand({ text: 'The board approved the budget and the new office lease.' });
    await waitFor(() => discord?.rest.find((c) => c.method === 'POST' && Array.isArray(c.body?.embeds)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('shutting down');
  });
});

describe('npm start with Slack', () => {
  it('starts the Slack app in Socket Mode beside Discord when both are configured', async () => {
    const { startFakeSlack, SLACK_APP_TOKEN, SLACK_BOT_TOKEN } = await import('../fakes/slack.js');
    const slack = await startFakeSlack();
    [discord, ollama] = await Promise.all([startFakeDiscord(), startFakeOllama()]);
    const child = spawn(process.execPath, ['dist/main.js', 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_REST_API: discord.restApi,
        SLACK_BOT_TOKEN,
        SLACK_APP_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        OLLAMA_HOST: ollama.url,
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor(
        () => stderr.includes('slack: connected in Socket Mode') && stderr.includes('discord: logged in'),
      );
      await slack.sendEnvelope('slash_commands', slack.commandForm('The vendor contract renews in March.'));
      await waitFor(() =>
        slack.calls.find((c) => c.method === 'chat.postMessage' && Array.isArray(c.args.blocks)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await slack.close();
    }
  });

  it('exits with a message naming the settings when Slack refuses the token', async () => {
    const { startFakeSlack } = await import('../fakes/slack.js');
    const slack = await startFakeSlack();
    try {
      const child = spawn(process.execPath, ['dist/main.js', 'start'], {
        env: {
          PATH: process.env.PATH ?? '',
          SLACK_BOT_TOKEN: 'xoxb-wrong',
          SLACK_APP_TOKEN: 'xapp-wrong',
          SLACK_API_URL: slack.apiUrl,
        },
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /recap: Slack could not start \(.*\)\. Check SLACK_BOT_TOKEN and SLACK_APP_TOKEN/,
      );
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await slack.close();
    }
  });
});
