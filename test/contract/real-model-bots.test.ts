/**
 * The Discord and Slack happy paths once with a real model behind them (npm run test:ollama sets
 * RECAP_TEST_OLLAMA_URL): the real discord.js bot and Bolt app against their fakes, the summary
 * written by Gemma 3 270M on a real Ollama. They use the harnesses' environment to point recap at it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WebApiCall } from '../fakes/slack.js';
import { startDiscordHarness, waitFor } from '../helpers/discord-harness.js';
import { startSlackHarness } from '../helpers/slack-harness.js';

const url = process.env.RECAP_TEST_OLLAMA_URL ?? '';
const env = { OLLAMA_HOST: url, OLLAMA_MODEL: process.env.RECAP_TEST_OLLAMA_MODEL ?? 'recap-gemma3-270m' };
const MINUTES = 60_000;
const TEXT =
  'The city council met on Monday and approved a network of protected bike lanes downtown. The first 12 km open in May. Shop owners on Main Street asked for loading zones, and the council agreed to add six. The plan costs 4.2 million, paid from the transport budget. A review of accidents is due in one year.';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe.skipIf(url === '')('chat platforms with a real model (npm run test:ollama)', () => {
  it('Discord: /summarize with text posts five bullets in a thread', { timeout: 10 * MINUTES }, async () => {
    const harness = await startDiscordHarness({ env });
    closers.push(harness.close);
    harness.discord.slashCommand({ text: TEXT });
    const summary = await waitFor(
      () =>
        harness.discord.rest.find((call) => {
          const embeds = call.body?.embeds as { description?: string }[] | undefined;
          return call.method === 'POST' && embeds?.[0]?.description?.includes('• ');
        }),
      'the summary posted in Discord',
      8 * MINUTES,
    );
    const embeds = (summary.body?.embeds ?? []) as { description?: string }[];
    const description = embeds[0]?.description ?? '';
    const bullets = description.split('\n').filter((line) => line.startsWith('• '));
    expect(bullets).toHaveLength(5);
    for (const bullet of bullets) expect(bullet.slice(2).trim()).not.toBe('');
    expect(harness.ollama.chats).toHaveLength(0);
  });

  it('Slack: /summarize with text puts five bullets in the thread of its parent message', {
    timeout: 10 * MINUTES,
  }, async () => {
    const harness = await startSlackHarness({ env });
    closers.push(harness.close);
    const response = await harness.postCommand(harness.slack.commandForm(TEXT));
    expect(response.status).toBe(200);
    type Block = { type: string; text?: { text: string } };
    const blocks = (call: WebApiCall) => (call.args.blocks as Block[] | undefined) ?? [];
    const summary = await waitFor(
      () => harness.slack.calls.find((call) => call.method === 'chat.postMessage' && blocks(call).length > 0),
      'the summary posted in Slack',
      8 * MINUTES,
    );
    const section = blocks(summary).find((block) => block.type === 'section')?.text?.text ?? '';
    const bullets = section.split('\n').filter((line) => line.startsWith('• '));
    expect(bullets).toHaveLength(5);
    expect(summary.args.thread_ts).toEqual(expect.any(String));
    expect(harness.ollama.chats).toHaveLength(0);
  });
});
