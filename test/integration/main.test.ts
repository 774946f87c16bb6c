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
