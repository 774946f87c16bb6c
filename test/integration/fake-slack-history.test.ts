/**
 * The fake Slack's history, for conversation recaps, through @slack/web-api's WebClient (its own
 * cursor paging included). Sources of each rule: test/fakes/slack/history.ts, web-api.ts, seeds.ts.
 */
import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SLACK_BOT_TOKEN } from '../fakes/slack.js';
import { fakeSlackPerTest, slackError } from '../helpers/fake-clients.js';

const start = fakeSlackPerTest();

type Json = Record<string, unknown>;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

describe('fake Slack: conversations.history', () => {
  it('pages newest first with cursors the WebClient follows, leaving thread replies to conversations.replies', async () => {
    const { slack, client } = await start();
    const seeded = slack.seedHistory(
      'C0000001',
      Array.from({ length: 250 }, (_, i) => ({ user: 'U0000001', text: `message ${i}`, at: at(i) })),
    );
    slack.seedHistory('C0000001', [{ user: 'U0000002', text: 'a reply', at: at(300), thread: seeded[10] }]);
    const texts: string[] = [];
    for await (const page of client.paginate('conversations.history', { channel: 'C0000001', limit: 100 })) {
      texts.push(...(page as unknown as { messages: Json[] }).messages.map((m) => String(m.text)));
    }
    expect(texts).toEqual(seeded.map((m) => m.text).reverse());
    expect(slack.callsTo('conversations.history')).toHaveLength(3);
    const first = await client.conversations.history({ channel: 'C0000001', limit: 100 });
    expect(first).toMatchObject({ has_more: true, response_metadata: { next_cursor: expect.any(String) } });
    expect((await client.conversations.history({ channel: 'C0000001' })).messages).toHaveLength(100);
    expect(await slackError(client.conversations.history({ channel: 'C0000001', cursor: 'bm9wZQ==' }))).toBe(
      'invalid_cursor',
    );
  });

  it('reads between `oldest` and `latest`, exclusive unless `inclusive`', async () => {
    const { slack, client } = await start();
    const seeded = slack.seedHistory(
      'C0000001',
      Array.from({ length: 8 }, (_, i) => ({ user: 'U0000001', text: `m${i}`, at: at(i) })),
    );
    const window = { channel: 'C0000001', oldest: String(seeded[2]?.ts), latest: String(seeded[5]?.ts) };
    const exclusive = await client.conversations.history(window);
    expect(exclusive.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    const inclusive = await client.conversations.history({ ...window, inclusive: true });
    expect(inclusive.messages?.map((m) => m.text)).toEqual(['m5', 'm4', 'm3', 'm2']);
  });

  it('shows thread parents with reply_count, bots’ and system messages, files and edits, and forgets deleted messages', async () => {
    const { slack, client } = await start();
    const [join, parent, bot, , gone] = slack.seedHistory('C0000001', [
      { user: 'U0000003', subtype: 'channel_join', at: at(0) },
      {
        user: 'U0000001',
        text: 'Ship Friday?',
        at: at(1),
        files: [{ name: 'plan.pdf', mimetype: 'application/pdf' }],
      },
      { bot: 'B0000DEPLOY', text: 'Deployed v2', at: at(2) },
      { user: slack.bot.userId, text: 'earlier summary', at: at(3) },
      { user: 'U0000002', text: 'wrong channel', at: at(4) },
    ]);
    slack.seedHistory('C0000001', [
      { user: 'U0000002', text: 'Yes', at: at(5), thread: parent },
      { user: 'U0000003', text: 'Agreed', at: at(6), thread: parent, edited: at(7) },
    ]);
    slack.deleteMessage('C0000001', String(gone?.ts));
    const history = (await client.conversations.history({ channel: 'C0000001' })).messages as Json[];
    expect(history).toHaveLength(4);
    expect(history.find((m) => m.ts === join?.ts)).toMatchObject({
      subtype: 'channel_join',
      text: '<@U0000003> has joined the channel',
    });
    expect(history.find((m) => m.ts === parent?.ts)).toMatchObject({
      reply_count: 2,
      reply_users: ['U0000002', 'U0000003'],
      thread_ts: parent?.ts,
      files: [{ name: 'plan.pdf', mimetype: 'application/pdf' }],
    });
    expect(history.find((m) => m.ts === bot?.ts)).toMatchObject({
      subtype: 'bot_message',
      bot_id: 'B0000DEPLOY',
    });
    expect(history.find((m) => m.user === slack.bot.userId)).toMatchObject({ bot_id: slack.bot.botId });
  });

  it('refuses history where the bot is not a member: not_in_channel if public, channel_not_found if private', async () => {
    const { slack, client } = await start();
    slack.seedChannel('C0000002', { members: ['U0000001'] });
    slack.seedChannel('G0000002', { private: true, members: ['U0000001'] });
    expect(await slackError(client.conversations.history({ channel: 'C0000002' }))).toBe('not_in_channel');
    expect(await slackError(client.conversations.history({ channel: 'G0000002' }))).toBe('channel_not_found');
    expect(await slackError(client.conversations.replies({ channel: 'G0000002', ts: '1.000001' }))).toBe(
      'channel_not_found',
    );
  });

  it('waits out a 429 on history like on any method', async () => {
    const { slack } = await start();
    const client = new WebClient(SLACK_BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
    });
    slack.seedHistory('C0000001', [{ user: 'U0000001', text: 'x', at: at(0) }]);
    slack.rateLimitNext('conversations.history', 1);
    expect((await client.conversations.history({ channel: 'C0000001' })).messages).toHaveLength(1);
    expect(slack.callsTo('conversations.history')).toHaveLength(2);
  });
});

describe('fake Slack: conversations.replies', () => {
  it('returns the parent first and its replies oldest first, paged, from the parent’s ts or any reply’s', async () => {
    const { slack, client } = await start();
    const [parent] = slack.seedHistory('C0000001', [{ user: 'U0000001', text: 'Launch plan', at: at(0) }]);
    const replies = slack.seedHistory(
      'C0000001',
      Array.from({ length: 5 }, (_, i) => ({
        user: 'U0000002',
        text: `r${i}`,
        at: at(i + 1),
        thread: parent,
      })),
    );
    const texts: string[] = [];
    for await (const page of client.paginate('conversations.replies', {
      channel: 'C0000001',
      ts: replies[3]?.ts,
      limit: 2,
    })) {
      texts.push(...(page as unknown as { messages: Json[] }).messages.map((m) => String(m.text)));
    }
    expect(texts).toEqual(['Launch plan', 'r0', 'r1', 'r2', 'r3', 'r4']);
    const first = await client.conversations.replies({
      channel: 'C0000001',
      ts: String(parent?.ts),
      limit: 2,
    });
    expect(first.messages?.[1]).toMatchObject({ thread_ts: parent?.ts, parent_user_id: 'U0000001' });
    expect(first.has_more).toBe(true);
  });

  it('returns a message without replies alone, and thread_not_found for an unknown ts', async () => {
    const { slack, client } = await start();
    const [lonely] = slack.seedHistory('C0000001', [{ user: 'U0000001', text: 'alone', at: at(0) }]);
    const result = await client.conversations.replies({ channel: 'C0000001', ts: String(lonely?.ts) });
    expect(result.messages?.map((m) => m.text)).toEqual(['alone']);
    expect(await slackError(client.conversations.replies({ channel: 'C0000001', ts: '123.000456' }))).toBe(
      'thread_not_found',
    );
  });

  it('updates the parent when a reply is edited or deleted', async () => {
    const { slack, client } = await start();
    const [parent] = slack.seedHistory('C0000001', [{ user: 'U0000001', text: 'Q', at: at(0) }]);
    const [first, second] = slack.seedHistory('C0000001', [
      { user: 'U0000002', text: 'A1', at: at(1), thread: parent },
      { user: 'U0000003', text: 'A2', at: at(2), thread: parent },
    ]);
    slack.editMessage('C0000001', String(first?.ts), 'A1 (fixed)');
    slack.deleteMessage('C0000001', String(second?.ts));
    const thread = await client.conversations.replies({ channel: 'C0000001', ts: String(parent?.ts) });
    expect(thread.messages?.map((m) => m.text)).toEqual(['Q', 'A1 (fixed)']);
    expect(thread.messages?.[0]).toMatchObject({ reply_count: 1, latest_reply: first?.ts });
    expect(thread.messages?.[1]).toMatchObject({ edited: { user: 'U0000002' } });
  });
});
