/**
 * The platform kits of a worker: what it needs to answer jobs and read shared files, and no more. A
 * worker holds no gateway and receives nothing: Discord's answers go through the REST API (the
 * interaction token from the job, then the bot token), Slack's through the Web API with the bot token.
 * Conversation recaps read history by REST with a client of their own, as in one process.
 */

import { webApi } from '@slack/bolt';
import { REST } from 'discord.js';
import { historyRest } from '../bots/discord/recap-history.js';
import { discordRecapKit } from '../bots/discord/recap-surface.js';
import { DiscordCalls } from '../bots/discord/rest-calls.js';
import { discordKit } from '../bots/discord/surface.js';
import { historyClient } from '../bots/slack/recap-patience.js';
import { slackRecapKit } from '../bots/slack/recap-surface.js';
import { CLIENT_OPTIONS, SlackCalls } from '../bots/slack/slack-calls.js';
import { slackKit } from '../bots/slack/surface.js';
import type { PlatformKit } from '../commands/job.js';
import type { Platform } from '../commands/request.js';
import type { DiscordConfig, SlackConfig } from '../config.js';
import type { SafeFetch } from '../core/fetch/safe-fetch.js';
import type { Logger } from '../core/log.js';

export function workerKits(
  config: { discord: DiscordConfig | undefined; slack: SlackConfig | undefined },
  fetchFile: SafeFetch,
  log: Logger,
): [Platform, PlatformKit][] {
  const kits: [Platform, PlatformKit][] = [];
  if (config.discord) {
    const rest = new REST({ api: config.discord.restApi }).setToken(config.discord.token);
    const calls = new DiscordCalls(rest, config.discord.interactionTtlMs);
    const recaps = discordRecapKit(calls, historyRest(config.discord));
    kits.push(['discord', { ...discordKit(calls, fetchFile), recaps }]);
  }
  if (config.slack) {
    const client = new webApi.WebClient(config.slack.botToken, {
      slackApiUrl: config.slack.apiUrl,
      ...CLIENT_OPTIONS,
    });
    // Reads a job needs (a thread's parent, a file's details) are retried by the policy, logged here.
    const calls = new SlackCalls(client, { log });
    const recaps = slackRecapKit(calls, historyClient(config.slack));
    const kit = slackKit({
      calls,
      botToken: config.slack.botToken,
      fileHosts: config.slack.fileHosts,
      fetchFile,
    });
    kits.push(['slack', { ...kit, recaps }]);
  }
  return kits;
}
