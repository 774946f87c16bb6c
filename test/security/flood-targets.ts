/**
 * The two apps under flood (flood.ts): each with the hostile pages, captions and files of every class,
 * the fake Ollama in a process of its own, and the person who asks in a place of their own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { findLinks } from '../../src/commands/links.js';
import { parseTimedText } from '../../src/core/sources/youtube-answers.js';
import { listenLocal } from '../fakes/http.js';
import { SCENARIOS, startFakeYouTube } from '../fakes/youtube.js';
import { signedSlackPost, startBurstSender } from '../helpers/burst-sender.js';
import { type DiscordHarness, startDiscordHarness } from '../helpers/discord-harness.js';
import { startOllamaProcess } from '../helpers/ollama-process.js';
import { startSlackHarness } from '../helpers/slack-harness.js';
import type { FloodTarget } from './flood.js';
import { HOSTILE } from './hostile.js';

/**
 * The size of each hostile file and page, in characters: where the old parsers took seconds (the
 * quadratic ones, minutes at twice this). Not larger: every one of them is then summarized in up to 17
 * parts by the fake model, which is most of the flood's time.
 */
export const HOSTILE_SIZE = 100_000;
/**
 * A document is split into parts, and refused once it needs more model calls than this: every hostile
 * document is still parsed and split (the work a flood could freeze the loop with), but not summarized
 * in 17 parts by the fake model, which took most of the two minutes the flood took on a loaded machine.
 */
const FLOOD_SETTINGS = { RECAP_MAX_MODEL_CALLS: '3' };
/** Slack truncates a message past 40,000 characters (chat.postMessage, "Truncating content"). */
const SLACK_TEXT_LIMIT = 40_000;
/** Discord: message content up to 2,000 characters; a slash command's string option up to 6,000. */
const DISCORD_CONTENT_LIMIT = 2000;
const DISCORD_OPTION_LIMIT = 6000;
/** Chat messages of each chat class per way of sending them. */
const CHAT_REPEATS = 5;
const CONTENT_TYPES: Record<string, string> = {
  vtt: 'text/vtt',
  srt: 'application/x-subrip',
  md: 'text/markdown',
  html: 'text/html; charset=utf-8',
  json: 'application/json',
};
const contentType = (name: string) => CONTENT_TYPES[name.split('.').at(-1) ?? ''] ?? 'text/plain';

const FILES = HOSTILE.filter((hostile) => hostile.fileName);
const CHAT = HOSTILE.filter((hostile) => hostile.parse === findLinks);
const CAPTIONS = HOSTILE.filter((hostile) => hostile.parse === parseTimedText);
const NOTES = 'Standup notes: the launch moves to May, Ana owns the pricing page, support hires two people.';

/** A hostile class's input, cut to fit a limit (the generators take a rough size). */
const hostileText = (make: (size: number) => string, limit: number) => make(limit).slice(0, limit);

/** Pages for links: each hostile file class at /hostile/<index>/<name>, with its content type. */
async function hostilePages() {
  const bodies = FILES.map((hostile) => Buffer.from(hostile.make(HOSTILE_SIZE)));
  const server = await listenLocal((request: IncomingMessage, response: ServerResponse) => {
    const [, , index = '', name = ''] = (request.url ?? '').split('/');
    const body = bodies[Number(index)];
    if (!body) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': contentType(name) });
    response.end(body);
  });
  const links = FILES.map((hostile, index) => `${server.url}/hostile/${index}/${hostile.fileName}`);
  return { server, links, bodies };
}

/** A YouTube video whose captions are the hostile caption class (a scenario of the fake, for this run). */
async function hostileVideo() {
  const youtube = await startFakeYouTube();
  const id = 'hostileCap1';
  SCENARIOS[id] = {
    title: 'Hostile captions',
    tracks: CAPTIONS.map((hostile) => ({
      languageCode: 'en',
      name: 'English',
      lines: [[1, hostile.make(HOSTILE_SIZE)]],
    })),
  };
  return { youtube, link: `https://www.youtube.com/watch?v=${id}` };
}

/** Everything the flood needs besides the platform: hostile pages and captions, and the harness settings. */
async function floodWorld() {
  const [pages, video, ollama] = await Promise.all([hostilePages(), hostileVideo(), startOllamaProcess()]);
  return {
    pages,
    video,
    // The flood comes from one person: their limit must not stop it before it reaches the parsers.
    harness: {
      userLimit: 100_000,
      env: { ...FLOOD_SETTINGS, YOUTUBE_BASE_URL: video.youtube.url, OLLAMA_HOST: ollama.url },
    },
    close: () => Promise.all([pages.server.close(), video.youtube.close(), ollama.close()]),
  };
}

/**
 * Slack in HTTP mode. Requests come from a process of their own (burst-sender.ts): building and writing
 * 50 requests of 40,000 characters is the sender's work, not the app's, and would hold the test's loop.
 */
export async function slackTarget(): Promise<FloodTarget> {
  const world = await floodWorld();
  const [h, sender] = await Promise.all([startSlackHarness(world.harness), startBurstSender()]);
  const port = h.app.port ?? 0;
  const flooder = 'U0000002';
  // The flood's channels: a channel of its own and the flooder's direct message with recap.
  const floodChannels = new Set(['C0000002', 'D0000001']);
  h.slack.seedChannel('C0000002', { name: 'flood', members: [h.slack.bot.userId, flooder] });
  const command = (text: string, user = flooder, channel = 'C0000002') =>
    signedSlackPost(port, new URLSearchParams(h.slack.commandForm(text, channel, user)));
  const event = (fields: Record<string, unknown>) =>
    signedSlackPost(port, h.slack.eventBody({ user: flooder, ts: h.slack.nextTs(), ...fields }));
  const mention = `<@${h.slack.bot.userId}> `;
  return {
    name: 'Slack',
    async ask() {
      const [latency] = await sender.send(port, [command(NOTES, 'U0000003', 'C0000001')]);
      if (latency === undefined) throw new Error('the /summarize was not acknowledged');
      return latency;
    },
    async prepare() {
      const requests = [
        ...FILES.map((hostile, index) => {
          const name = hostile.fileName ?? 'a.txt';
          const file = h.slack.addFile(name, world.pages.bodies[index] as Buffer, contentType(name));
          return event({
            type: 'message',
            subtype: 'file_share',
            channel_type: 'im',
            channel: 'D0000001',
            text: '',
            files: [{ id: file.id, name }],
          });
        }),
        ...[...world.pages.links, world.video.link].map((link) => command(link)),
        ...CHAT.flatMap((hostile) =>
          Array.from({ length: CHAT_REPEATS }, () => [
            command(hostileText(hostile.make, SLACK_TEXT_LIMIT)),
            event({
              type: 'app_mention',
              channel: 'C0000002',
              text: mention + hostileText(hostile.make, SLACK_TEXT_LIMIT - mention.length),
            }),
          ]).flat(),
        ),
      ];
      return { requests: requests.length, send: () => sender.send(port, requests).then(() => undefined) };
    },
    activity: () =>
      h.slack.calls.filter((call) => floodChannels.has(String(call.args.channel))).length +
      h.slack.downloads.length,
    async close() {
      sender.close();
      await h.close();
      await world.close();
    },
  };
}

export async function discordTarget(): Promise<FloodTarget> {
  const world = await floodWorld();
  const h: DiscordHarness = await startDiscordHarness(world.harness);
  const person = h.discord.addUser('person');
  // The person asks in a channel of their own, so what the app does for the flood can be told apart:
  // calls for the flood's interactions, or in the flood's channel and the threads recap opens there.
  const personChannel = String(h.discord.addChannel('standup').id);
  const floodTokens = new Set<string>();
  const floodChannel = h.discord.textChannelId;
  const inFloodChannel = (id: string) =>
    id === floodChannel || String(h.discord.channels.get(id)?.parent_id) === floodChannel;
  const forTheFlood = (path: string) => {
    const [, kind, id = '', token = ''] = path.split('/');
    if (kind === 'channels') return inFloodChannel(id);
    return (kind === 'webhooks' || kind === 'interactions') && floodTokens.has(token);
  };
  /**
   * Milliseconds from an interaction's dispatch to its acknowledgement, as the fake recorded both, once it
   * is acknowledged (looked for every few milliseconds: when it is seen does not change the figure).
   */
  const acknowledged = async (token: string) => {
    for (;;) {
      const record = h.discord.interactions.get(token);
      if (record?.acknowledgedAt !== undefined) return record.acknowledgedAt - record.dispatchedAt;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const mention = `<@${h.discord.bot.id}> `;
  return {
    name: 'Discord',
    ask() {
      const { token } = h.discord.slashCommand({ text: NOTES }, { user: person, channelId: personChannel });
      return acknowledged(token);
    },
    async prepare() {
      const commands = [
        ...FILES.map((hostile, index) => {
          const name = hostile.fileName ?? 'a.txt';
          return { file: h.discord.attachment(name, world.pages.bodies[index] as Buffer, contentType(name)) };
        }),
        ...[...world.pages.links, world.video.link].map((link) => ({ link })),
        ...CHAT.flatMap((hostile) =>
          Array.from({ length: CHAT_REPEATS }, () => ({
            text: hostileText(hostile.make, DISCORD_OPTION_LIMIT),
          })),
        ),
      ];
      const mentions = CHAT.flatMap((hostile) =>
        Array.from(
          { length: CHAT_REPEATS },
          () => mention + hostileText(hostile.make, DISCORD_CONTENT_LIMIT - mention.length),
        ),
      );
      return {
        requests: commands.length + mentions.length,
        async send() {
          const tokens = commands.map((options) => h.discord.slashCommand(options).token);
          for (const token of tokens) floodTokens.add(token);
          for (const content of mentions) h.discord.postMessage({ content });
          await Promise.all(tokens.map(acknowledged));
        },
      };
    },
    activity: () => h.discord.rest.filter((call) => forTheFlood(call.path)).length,
    async close() {
      await h.close();
      await world.close();
    },
  };
}
