/**
 * The apps whose acknowledgements are measured, each a separate process on the same fakes: a bare
 * Bolt app or discord.js client that only acknowledges, and recap. recap is the built program as it
 * is deployed (`recap start`, configured by its environment), so whatever sits behind its chat
 * adapters is measured with it; this file is the only place that knows how to start it.
 */
import { fileURLToPath } from 'node:url';
import { BOT_TOKEN } from '../../test/fakes/discord.js';
import { SIGNING_SECRET, SLACK_BOT_TOKEN } from '../../test/fakes/slack.js';

export interface AppUnderTest {
  name: 'bare' | 'recap';
  command: string[];
  env: Record<string, string>;
  /** The line the app prints once it takes requests. */
  ready: { stream: 'stdout' | 'stderr'; pattern: RegExp };
}

export interface SlackTarget {
  apiUrl: string;
  port: number;
  ollamaUrl: string;
}

export interface DiscordTarget {
  restApi: string;
  ollamaUrl: string;
}

const file = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const bare = (script: string) => [process.execPath, '--import', 'tsx', file(script)];
const RECAP = [process.execPath, file('../../dist/main.js'), 'start'];

/**
 * What recap needs besides the platform: its model (the fake Ollama) and a per-person limit above
 * the burst, since every request of a burst comes from its own person on Slack but from the fake's
 * one user on Discord.
 */
const recapEnv = (ollamaUrl: string) => ({ OLLAMA_HOST: ollamaUrl, RECAP_USER_LIMIT: '100000' });

/** The bare app (a script here that prints "ready") and recap, on the same platform settings. */
function sideBySide(script: string, platform: Record<string, string>, ollamaUrl: string, recapReady: RegExp) {
  const apps: AppUnderTest[] = [
    { name: 'bare', command: bare(script), env: platform, ready: { stream: 'stdout', pattern: /^ready$/m } },
    {
      name: 'recap',
      command: RECAP,
      env: { ...platform, ...recapEnv(ollamaUrl) },
      ready: { stream: 'stderr', pattern: recapReady },
    },
  ];
  return apps;
}

export function slackApps(target: SlackTarget): AppUnderTest[] {
  const slack = {
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: target.apiUrl,
    PORT: String(target.port),
  };
  return sideBySide('bare-slack.ts', slack, target.ollamaUrl, /slack: listening for events/);
}

export function discordApps(target: DiscordTarget): AppUnderTest[] {
  const discord = { DISCORD_TOKEN: BOT_TOKEN, DISCORD_REST_API: target.restApi };
  return sideBySide('bare-discord.ts', discord, target.ollamaUrl, /discord: logged in as/);
}
