/**
 * The fake Slack's rules, each exercised through the real clients over a socket: @slack/web-api's
 * WebClient for the Web API and a minimal Bolt app for `respond()`. The sources of the rules are in the
 * fake's modules (test/fakes/slack/*).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, RespondError } from '@slack/bolt';
import { WebAPIRateLimitedError, WebClient, WebClientEvent } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSlack, postSigned, SIGNING_SECRET, SLACK_BOT_TOKEN } from '../fakes/slack.js';
import { fakeSlackPerTest, slackError } from '../helpers/fake-clients.js';

const start = fakeSlackPerTest();
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

type Json = Record<string, unknown>;

describe('fake Slack: where the bot may post', () => {
  it('answers not_in_channel in a public channel without the bot, channel_not_found for a private or unknown one', async () => {
    const { slack, client } = await start();
    slack.seedChannel('C0000002', { members: ['U0000001'] });
    slack.seedChannel('G0000003', { private: true, members: ['U0000001'] });
    slack.seedChannel('C0000004', { archived: true, members: [slack.bot.userId] });
    expect(await slackError(client.chat.postMessage({ channel: 'C0000002', text: 'hi' }))).toBe(
      'not_in_channel',
    );
    expect(await slackError(client.chat.postMessage({ channel: 'G0000003', text: 'hi' }))).toBe(
      'channel_not_found',
    );
    expect(await slackError(client.chat.postMessage({ channel: 'C9999999', text: 'hi' }))).toBe(
      'channel_not_found',
    );
    expect(await slackError(client.chat.postMessage({ channel: 'C0000004', text: 'hi' }))).toBe(
      'is_archived',
    );
    slack.setMembers('C0000002', ['U0000001', slack.bot.userId]);
    expect((await client.chat.postMessage({ channel: 'C0000002', text: 'hi' })).ok).toBe(true);
  });

  it('sends an ephemeral message only to a member, and never into history', async () => {
    const { slack, client } = await start();
    slack.seedChannel('C0000002', { members: [slack.bot.userId, 'U0000001'] });
    const sent = await client.chat.postEphemeral({ channel: 'C0000002', user: 'U0000001', text: 'only you' });
    expect(sent.message_ts).toBeDefined();
    const outsider = client.chat.postEphemeral({ channel: 'C0000002', user: 'U0000002', text: 'x' });
    expect(await slackError(outsider)).toBe('user_not_in_channel');
    expect((await client.conversations.history({ channel: 'C0000002' })).messages).toEqual([]);
    expect(slack.ephemerals).toHaveLength(1);
  });

  it('updates and deletes only messages that exist and that the bot wrote, marking updates as edited', async () => {
    const { slack, client } = await start();
    const mine = await client.chat.postMessage({ channel: 'C0000001', text: 'Reading…' });
    const theirs = slack.addMessage('C0000001', { user: 'U0000001', text: 'hello' });
    const updated = await client.chat.update({ channel: 'C0000001', ts: String(mine.ts), text: 'Done' });
    expect(updated.message).toMatchObject({ text: 'Done', edited: { user: slack.bot.userId } });
    expect(
      await slackError(client.chat.update({ channel: 'C0000001', ts: String(theirs.ts), text: 'x' })),
    ).toBe('cant_update_message');
    expect(await slackError(client.chat.delete({ channel: 'C0000001', ts: String(theirs.ts) }))).toBe(
      'cant_delete_message',
    );
    await client.chat.delete({ channel: 'C0000001', ts: String(mine.ts) });
    expect(
      await slackError(client.chat.update({ channel: 'C0000001', ts: String(mine.ts), text: 'x' })),
    ).toBe('message_not_found');
    expect(await slackError(client.chat.delete({ channel: 'C0000001', ts: String(mine.ts) }))).toBe(
      'message_not_found',
    );
  });

  it('closes the edit window when the team sets one', async () => {
    const { client } = await start({ editWindowMs: 100 });
    const posted = await client.chat.postMessage({ channel: 'C0000001', text: 'Reading…' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      await slackError(client.chat.update({ channel: 'C0000001', ts: String(posted.ts), text: 'x' })),
    ).toBe('edit_window_closed');
  });

  it('refuses a message with neither text nor blocks', async () => {
    const { client } = await start();
    expect(await slackError(client.chat.postMessage({ channel: 'C0000001', text: '' }))).toBe('no_text');
  });
});

describe('fake Slack: rate limits and failures', () => {
  it('answers 429 with Retry-After on any method, which the WebClient waits out before retrying', async () => {
    const { slack } = await start();
    const client = new WebClient(SLACK_BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
    });
    const waits: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    slack.rateLimitNext('users.info', 1);
    expect((await client.users.info({ user: 'U0000001' })).user?.id).toBe('U0000001');
    const attempts = slack.callsTo('users.info');
    expect(waits).toEqual([1]);
    expect(attempts).toHaveLength(2);
    // A lower bound only: the client paused for at least the Retry-After it was given.
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('fails a method once with a Slack error or an HTTP status, then answers normally', async () => {
    const { slack, client } = await start();
    slack.failNext('chat.postMessage', { error: 'fatal_error' });
    expect(await slackError(client.chat.postMessage({ channel: 'C0000001', text: 'a' }))).toBe('fatal_error');
    slack.failNext('chat.postMessage', { status: 503 });
    expect(await slackError(client.chat.postMessage({ channel: 'C0000001', text: 'a' }))).toBe('http 503');
    expect((await client.chat.postMessage({ channel: 'C0000001', text: 'a' })).ok).toBe(true);
  });

  it('counts calls per method within its tier’s budget when asked, and answers 429 past it', async () => {
    // A window far longer than the test, so a slow machine cannot let the budget refill mid-test.
    const { slack } = await start({ tiers: { windowMs: 60_000, perWindow: { 3: 2 } } });
    const client = new WebClient(SLACK_BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      rejectRateLimitedCalls: true,
    });
    await client.conversations.info({ channel: 'C0000001' });
    await client.conversations.info({ channel: 'C0000001' });
    const limited = await client.conversations.info({ channel: 'C0000001' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(WebAPIRateLimitedError);
    expect((limited as WebAPIRateLimitedError).retryAfter).toBeGreaterThanOrEqual(1);
    expect((limited as WebAPIRateLimitedError).retryAfter).toBeLessThanOrEqual(60);
    // Another Tier 3 method has its own count; a Tier 4 method its own, larger budget.
    expect((await client.conversations.history({ channel: 'C0000001' })).ok).toBe(true);
    expect((await client.users.info({ user: 'U0000001' })).ok).toBe(true);
  });

  it('gives non-Marketplace apps Tier 1 history of at most 15 messages a call', async () => {
    const { slack } = await start({ tiers: { cohort: 'non-marketplace' } });
    const client = new WebClient(SLACK_BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      rejectRateLimitedCalls: true,
    });
    const t0 = Date.parse('2026-03-02T09:00:00Z');
    slack.seedHistory(
      'C0000001',
      Array.from({ length: 40 }, (_, i) => ({ user: 'U0000001', text: `${i}`, at: new Date(t0 + i * 1000) })),
    );
    const page = await client.conversations.history({ channel: 'C0000001', limit: 200 });
    expect(page.messages).toHaveLength(15);
    expect(page.has_more).toBe(true);
    // Tier 1: the second call within the minute is refused.
    const again = await client.conversations.history({ channel: 'C0000001' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(WebAPIRateLimitedError);
  });
});

describe('fake Slack: response_url through Bolt’s respond()', () => {
  /** A Bolt app in HTTP mode whose /recap handler calls respond() `times` times, recording each outcome. */
  async function boltApp(fake: FakeSlack, times: number, pauseMs = 0) {
    const outcomes: (number | 'ok')[] = [];
    const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events' });
    const app = new App({
      token: SLACK_BOT_TOKEN,
      receiver,
      clientOptions: { slackApiUrl: fake.apiUrl },
      deferInitialization: true,
    });
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    app.command('/recap', async ({ ack, respond }) => {
      await ack();
      if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      for (let i = 0; i < times; i++) {
        await respond({ text: `update ${i + 1}`, response_type: 'ephemeral' }).then(
          () => outcomes.push('ok'),
          (error: unknown) => outcomes.push(error instanceof RespondError ? error.statusCode : -1),
        );
      }
      finished();
    });
    await app.init();
    server = createServer(receiver.requestListener);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const command = async () => {
      const body = new URLSearchParams(
        fake.commandForm('last 200', 'C0000001', 'U0000001', '/recap'),
      ).toString();
      await postSigned(port, SIGNING_SECRET, body);
      await done;
      return outcomes;
    };
    return { command };
  }

  it('accepts five responses and refuses the sixth with 404', async () => {
    const { slack } = await start();
    const { command } = await boltApp(slack, 6);
    expect(await command()).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 404]);
    expect(slack.responses.map((r) => r.body.text)).toEqual([
      'update 1',
      'update 2',
      'update 3',
      'update 4',
      'update 5',
    ]);
  });

  it('refuses a response after the URL’s lifetime with 404', async () => {
    const { slack } = await start({ responseUrlTtlMs: 200 });
    const { command } = await boltApp(slack, 1, 300);
    expect(await command()).toEqual([404]);
    expect(slack.responses).toEqual([]);
  });

  it('fails one response when told to, without using up the URL', async () => {
    const { slack } = await start();
    slack.failResponseUrlNext({ status: 500 });
    const { command } = await boltApp(slack, 6);
    expect(await command()).toEqual([500, 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(slack.responseAttempts.map((a) => a.status)).toEqual([500, 200, 200, 200, 200, 200]);
  });
});

describe('fake Slack: the bot’s view of conversations and people', () => {
  it('describes conversations (is_private, is_member), pages their members, and names people', async () => {
    const { slack, client } = await start();
    slack.addUser('U0000009', { displayName: 'dana', realName: 'Dana Scully' });
    slack.seedChannel('G0000001', { private: true, members: [slack.bot.userId, 'U0000009', 'U0000001'] });
    const info = await client.conversations.info({ channel: 'G0000001', include_num_members: true });
    expect(info.channel).toMatchObject({ is_private: true, is_member: true, num_members: 3 });
    const members: string[] = [];
    for await (const page of client.paginate('conversations.members', { channel: 'G0000001', limit: 2 })) {
      members.push(...((page as unknown as Json).members as string[]));
    }
    expect(members.sort()).toEqual(['U0000001', 'U0000009', slack.bot.userId].sort());
    const user = await client.users.info({ user: 'U0000009' });
    expect(user.user).toMatchObject({
      real_name: 'Dana Scully',
      profile: { display_name: 'dana', real_name: 'Dana Scully' },
    });
    expect(await slackError(client.users.info({ user: 'U0000404' }))).toBe('user_not_found');
    slack.setMembers('G0000001', ['U0000009']);
    expect(await slackError(client.conversations.info({ channel: 'G0000001' }))).toBe('channel_not_found');
  });

  it('gives permalinks in Slack’s form, and none for a message that is gone', async () => {
    const { slack, client } = await start();
    const message = slack.addMessage('C0000001', { user: 'U0000001', text: 'decision: ship Friday' });
    const link = await client.chat.getPermalink({ channel: 'C0000001', message_ts: String(message.ts) });
    expect(link.permalink).toBe(
      `https://test.slack.com/archives/C0000001/p${String(message.ts).replace('.', '')}`,
    );
    slack.deleteMessage('C0000001', String(message.ts));
    const gone = client.chat.getPermalink({ channel: 'C0000001', message_ts: String(message.ts) });
    expect(await slackError(gone)).toBe('message_not_found');
  });
});
