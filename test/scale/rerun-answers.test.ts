/**
 * A job run twice (its worker died after answering, before BullMQ heard it was done) still leaves one
 * answer: Discord's messages carry a nonce Discord enforces; Slack's /summarize reply in its parent's
 * thread is replaced, not posted again, when the job runs again.
 */
import { webApi } from '@slack/bolt';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecap } from '../../src/app.js';
import { DiscordCalls } from '../../src/bots/discord/rest-calls.js';
import { discordKit } from '../../src/bots/discord/surface.js';
import { CLIENT_OPTIONS, SlackCalls } from '../../src/bots/slack/slack-calls.js';
import { slackKit } from '../../src/bots/slack/surface.js';
import { type JobDeps, runJob } from '../../src/commands/job.js';
import type { ChatJob } from '../../src/commands/request.js';
import { loadConfig } from '../../src/config.js';
import { BOT_TOKEN, type FakeDiscord, startFakeDiscord } from '../fakes/discord.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { type FakeSlack, SLACK_BOT_TOKEN, startFakeSlack } from '../fakes/slack.js';
import { collectingLogger } from '../helpers/logs.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function deps(): Promise<{ deps: JobDeps; ollama: FakeOllama }> {
  const ollama = await startFakeOllama();
  closers.push(() => ollama.close());
  const recap = createRecap(loadConfig({ OLLAMA_HOST: ollama.url }));
  return { deps: { recap, log: collectingLogger([]), progressIntervalMs: 0 }, ollama };
}

const job = (platform: 'slack' | 'discord', target: unknown, channel: string): ChatJob => ({
  version: 1,
  origin: { requestId: '1234567890123456789', platform, channel, user: 'U0000001', receivedAt: Date.now() },
  command: {
    kind: 'summarize',
    ask: {
      kind: 'text',
      text: 'The council approved the bridge repairs and a new bus line for the east side.',
    },
  },
  target,
});

describe('a job that runs again', () => {
  it('replaces its Slack /summarize answer in the thread instead of posting a second one', async () => {
    const slack: FakeSlack = await startFakeSlack();
    closers.push(() => slack.close());
    const { deps: jobDeps } = await deps();
    const client = new webApi.WebClient(SLACK_BOT_TOKEN, { slackApiUrl: slack.apiUrl, ...CLIENT_OPTIONS });
    const calls = new SlackCalls(client, { log: collectingLogger([]) });
    const kit = slackKit({
      calls,
      botToken: SLACK_BOT_TOKEN,
      fileHosts: [],
      fetchFile: jobDeps.recap.fetch,
    });
    const parentTs = await calls.post('C0000001', { text: 'Summarizing…' });
    const chatJob = job('slack', { kind: 'command', channel: 'C0000001', parentTs }, 'C0000001');
    const answers = () =>
      slack.workspace.repliesOf('C0000001', parentTs).filter((message) => Array.isArray(message.blocks));

    expect(await runJob(chatJob, kit, jobDeps, new AbortController().signal)).toMatchObject({
      kind: 'delivered',
    });
    expect(await runJob(chatJob, kit, jobDeps, new AbortController().signal, { rerun: true })).toMatchObject({
      kind: 'delivered',
    });
    expect(answers()).toHaveLength(1);
    expect(slack.callsTo('chat.update').some((call) => call.args.ts === answers()[0]?.ts)).toBe(true);
  });

  it('posts its Discord answer once: Discord returns the first message for the same nonce', async () => {
    const discord: FakeDiscord = await startFakeDiscord();
    closers.push(() => discord.close());
    const { deps: jobDeps } = await deps();
    const rest = new REST({ api: discord.restApi }).setToken(BOT_TOKEN);
    const kit = discordKit(new DiscordCalls(rest, 15 * 60_000), jobDeps.recap.fetch);
    const reply = discord.existingMessage({ content: 'thinking…', author: discord.bot });
    const target = {
      kind: 'slash',
      interaction: { applicationId: '1', token: 'expired', issuedAt: 0 },
      channelId: discord.textChannelId,
      originalId: String(reply.id),
      threads: true,
    };
    const chatJob = job('discord', target, discord.textChannelId);
    for (let run = 0; run < 2; run++)
      expect(await runJob(chatJob, kit, jobDeps, new AbortController().signal)).toMatchObject({
        kind: 'delivered',
      });
    const posted = [...discord.messages.values()].filter(
      (message) => message.channel_id === String(reply.id) && (message.embeds as unknown[]).length > 0,
    );
    expect(posted).toHaveLength(1);
    expect(discord.rest.filter((call) => call.body?.nonce === 's1234567890123456789')).toHaveLength(2);
  });
});
