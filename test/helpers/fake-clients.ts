/**
 * The real client libraries pointed at the fakes, for the fakes' own tests: discord.js's `REST` and
 * `Client`, and the error a call fails with, in the shape each library throws it.
 */
import { WebAPIHTTPError, WebAPIPlatformError, WebClient } from '@slack/web-api';
import { Client, DiscordAPIError, Events, type GatewayIntentBits, REST } from 'discord.js';
import { afterEach } from 'vitest';
import { BOT_TOKEN, type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from '../fakes/discord.js';
import { type FakeSlack, type FakeSlackOptions, SLACK_BOT_TOKEN, startFakeSlack } from '../fakes/slack.js';

/** Starts a fake Discord per test (closed after it), with discord.js's REST client and, on demand, a Client. */
export function fakeDiscordPerTest() {
  let discord: FakeDiscord | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.destroy();
    await discord?.close();
    discord = client = undefined;
  });
  return {
    async start(options: FakeDiscordOptions = {}) {
      discord = await startFakeDiscord(options);
      return { discord, rest: discordRest(discord) };
    },
    async login(fake: FakeDiscord, intents: GatewayIntentBits[]): Promise<Client> {
      client = await discordClient(fake, intents);
      return client;
    },
  };
}

/** Starts a fake Slack per test (closed after it), with a WebClient that does not retry. */
export function fakeSlackPerTest() {
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });
  return async (options: FakeSlackOptions = {}) => {
    slack = await startFakeSlack(options);
    const client = new WebClient(SLACK_BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    return { slack, client };
  };
}

export function discordRest(discord: FakeDiscord): REST {
  return new REST({ api: discord.restApi, version: '10' }).setToken(BOT_TOKEN);
}

/** A discord.js Client logged in to the fake, resolved once it is ready. */
export async function discordClient(discord: FakeDiscord, intents: GatewayIntentBits[]): Promise<Client> {
  const client = new Client({ intents, rest: { api: discord.restApi } });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  try {
    await client.login(BOT_TOKEN);
  } catch (error) {
    await client.destroy();
    throw error;
  }
  await ready;
  return client;
}

/** The DiscordAPIError a call fails with; a test failure when it succeeds or fails otherwise. */
export async function discordError(call: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await failureOf(call);
  if (!(error instanceof DiscordAPIError))
    throw new Error(`expected a DiscordAPIError, got ${String(error)}`);
  return error;
}

/** The Slack error a WebClient call fails with: its `error` field, or `http <status>`. */
export async function slackError(call: Promise<unknown>): Promise<string> {
  const error = await failureOf(call);
  if (error instanceof WebAPIPlatformError) return String(error.data.error);
  if (error instanceof WebAPIHTTPError) return `http ${error.statusCode}`;
  throw new Error(`expected a Slack error, got ${String(error)}`);
}

async function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('the call succeeded'),
    (error: unknown) => error,
  );
}
