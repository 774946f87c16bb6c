/**
 * Conversation recaps on Discord, asked as people ask: /recap in a thread or a channel with each scope,
 * Apps → Recap from here, private by default and public on request, and every refusal. The real
 * discord.js bot runs against the fake Discord, summarizing with the fake Ollama.
 */
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../src/bots/discord/commands.js';
import { BOT_CANNOT_READ, PERSON_CANNOT_READ } from '../../src/bots/discord/recap-map.js';
import { CHANNEL_REFUSED, PUBLIC_REFUSED } from '../../src/commands/recap-policy.js';
import { waitFor } from '../helpers/discord-harness.js';
import {
  ago,
  bulletsOf,
  callsFor,
  embedOf,
  finalWords,
  historyReads,
  recapHarnessPerTest,
  recapReply,
  refusal,
  saidIn,
  scriptBullets,
  transcriptLines,
  yesterdayAt,
} from '../helpers/recap-discord.js';

const start = recapHarnessPerTest();

describe('Discord: registering the recap commands', () => {
  it('registers /recap with its options and Recap from here, in servers only', () => {
    const [, , recap, fromHere] = commandDefinitions() as unknown as Record<string, unknown>[];
    expect(recap).toMatchObject({ name: 'recap', contexts: [0] });
    expect(((recap?.options ?? []) as { name: string; type: number }[]).map((o) => [o.name, o.type])).toEqual(
      [
        ['window', 3],
        ['last', 4],
        ['since_me', 5],
        ['public', 5],
        ['language', 3],
      ],
    );
    expect(fromHere).toMatchObject({ name: 'Recap from here', type: 3, contexts: [0] });
  });
});

describe('Discord: /recap in a thread', () => {
  it('recaps the thread from the message it started on, privately, each bullet linked to its messages', async () => {
    const h = await start();
    const d = h.discord;
    const dana = d.addUser('dana', { globalName: 'Dana Scully', nick: 'Dana' });
    const erin = d.addUser('erin', { globalName: 'Erin' });
    const [starter] = d.seedHistory(d.textChannelId, [
      { author: dana, content: 'Launch plan: ship Friday?', at: yesterdayAt('10:00') },
    ]);
    if (!starter) throw new Error('nothing seeded');
    const thread = String(
      d.createThread(d.textChannelId, { name: 'Launch', starter, at: yesterdayAt('10:01') }).id,
    );
    const [yes, notes] = d.seedHistory(thread, [
      { author: erin, content: 'Yes, after QA signs off', at: yesterdayAt('10:20') },
      { author: dana, content: 'Erin owns the release notes', at: yesterdayAt('10:30') },
    ]);
    scriptBullets(h.ollama, [
      'Dana proposed shipping on Friday [1].',
      'Erin agreed, once QA signs off [2].',
      'Erin owns the release notes [3].',
      'Nobody objected [42].',
      'The thread is about the launch [1, 2, 3].',
    ]);
    const { token } = d.chatCommand('recap', {}, { channelId: thread });
    const reply = await recapReply(h, token);

    expect(callsFor(h, token)[0]?.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(transcriptLines(h.ollama)).toEqual([
      '[1] Dana (10:00): Launch plan: ship Friday?',
      '[2] Erin (10:20): Yes, after QA signs off',
      '[3] Dana (10:30): Erin owns the release notes',
    ]);
    const embed = embedOf(reply);
    expect(embed?.title).toBe('Recap of the thread “Launch”, from its first message');
    const link = (channel: string, id: unknown) =>
      `https://discord.com/channels/${d.guildId}/${channel}/${String(id)}`;
    const bullets = bulletsOf(embed);
    expect(bullets[0]).toBe(
      `• Dana proposed shipping on Friday. [10:00](${link(d.textChannelId, starter.id)})`,
    );
    expect(bullets[2]).toBe(`• Erin owns the release notes. [10:30](${link(thread, notes?.id)})`);
    expect(bullets[3]).toBe('• Nobody objected.');
    expect(bullets[4]).toContain(link(thread, yes?.id));
    expect(embed?.footer?.text).toMatch(/^3 messages by 2 people, 10:00–10:30 UTC · llama3\.2 · \d+ s · /);
    expect(reply.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
    // Private: nothing was posted where others can see it.
    expect(d.rest.filter((c) => c.method === 'POST' && c.path.startsWith('/channels/'))).toEqual([]);
  });

  it('skips and counts its own reply when a thread was started on it', async () => {
    const h = await start();
    const d = h.discord;
    const [own] = d.seedHistory(d.textChannelId, [
      { author: d.bot, content: '• an earlier summary', at: yesterdayAt('10:00') },
    ]);
    if (!own) throw new Error('nothing seeded');
    const thread = String(
      d.createThread(d.textChannelId, {
        name: 'About it',
        starter: own,
        owner: d.alice,
        at: yesterdayAt('10:01'),
      }).id,
    );
    d.seedHistory(thread, [
      { author: 'dana', content: 'Is the summary right?', at: yesterdayAt('10:20') },
      { author: 'erin', content: 'Mostly', at: yesterdayAt('10:30') },
    ]);
    const { token } = d.chatCommand('recap', {}, { channelId: thread });
    const footer = embedOf(await recapReply(h, token))?.footer?.text;
    expect(transcriptLines(h.ollama)).toEqual([
      '[1] dana (10:20): Is the summary right?',
      '[2] erin (10:30): Mostly',
    ]);
    expect(footer).toMatch(/^2 messages by 2 people, 10:20–10:30 UTC; 1 bot message skipped · /);
  });

  it('recaps a forum post, and a window of a thread when one is given', async () => {
    const h = await start();
    const d = h.discord;
    const forum = String(d.addChannel('ideas', 'forum').id);
    const { thread } = d.createForumPost(forum, {
      name: 'Dark mode',
      author: 'dana',
      content: 'Can we have dark mode?',
      at: ago(300),
    });
    d.seedHistory(String(thread.id), [
      { author: 'erin', content: 'Yes, next quarter', at: ago(200) },
      { author: 'dana', content: 'Great, I will write the spec', at: ago(30) },
    ]);
    const whole = d.chatCommand('recap', {}, { channelId: String(thread.id) });
    await recapReply(h, whole.token);
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual([
      'Can we have dark mode?',
      'Yes, next quarter',
      'Great, I will write the spec',
    ]);
    const recent = d.chatCommand('recap', { window: '1h' }, { channelId: String(thread.id) });
    expect(embedOf(await recapReply(h, recent.token))?.title).toBe(
      'Recap of the thread “Dark mode”, in the last 1 hour',
    );
    expect(transcriptLines(h.ollama)).toHaveLength(1);
  });
});

describe('Discord: an archived thread', () => {
  it('is read like any other, since recap reads by REST', async () => {
    const h = await start();
    const d = h.discord;
    const thread = String(
      d.createThread(d.textChannelId, { name: 'Old plan', archived: true, at: ago(300) }).id,
    );
    d.seedHistory(thread, [{ author: 'dana', content: 'We decided to wait', at: ago(290) }]);
    const { token } = d.chatCommand('recap', {}, { channelId: thread });
    expect(embedOf(await recapReply(h, token))?.title).toBe(
      'Recap of the thread “Old plan”, from its first message',
    );
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual(['We decided to wait']);
  });
});

describe('Discord: /recap in a channel', () => {
  async function seededChannel() {
    const h = await start();
    const d = h.discord;
    d.seedHistory(d.textChannelId, [
      { author: 'dana', content: 'two days ago', at: ago(48 * 60) },
      { author: 'erin', content: 'five hours ago', at: ago(5 * 60) },
      { author: d.alice, content: 'my own question, three hours ago', at: ago(3 * 60) },
      { author: 'dana', content: 'an hour ago', at: ago(60) },
      { author: 'erin', content: 'ten minutes ago', at: ago(10) },
    ]);
    const ask = async (options: Record<string, string | number | boolean>) => {
      const { token } = d.chatCommand('recap', options);
      const reply = await recapReply(h, token);
      return {
        title: embedOf(reply)?.title,
        said: transcriptLines(h.ollama).map(saidIn),
      };
    };
    return { h, ask };
  }

  it('recaps the last 24 hours by default, and the window, count or since-me asked for', async () => {
    const { ask } = await seededChannel();
    expect(await ask({})).toEqual({
      title: 'Recap of #general, in the last 24 hours',
      said: ['five hours ago', 'my own question, three hours ago', 'an hour ago', 'ten minutes ago'],
    });
    expect((await ask({ window: '2h' })).said).toEqual(['an hour ago', 'ten minutes ago']);
    expect(await ask({ window: '3d' })).toMatchObject({ title: 'Recap of #general, in the last 3 days' });
    expect((await ask({ last: 3 })).said).toEqual([
      'my own question, three hours ago',
      'an hour ago',
      'ten minutes ago',
    ]);
    expect(await ask({ since_me: true })).toEqual({
      title: 'Recap of #general, since your last message',
      said: ['an hour ago', 'ten minutes ago'],
    });
  });

  it('says so when the window holds nothing, without asking the model', async () => {
    const { h } = await seededChannel();
    const { token } = h.discord.chatCommand('recap', { window: '5min' });
    expect(await finalWords(h, token)).toBe('⚠️ No messages in the last 5 minutes here.');
    expect(h.ollama.chats).toHaveLength(0);
  });

  it('refuses two scopes at once, and a window it cannot read, before reading anything', async () => {
    const { h } = await seededChannel();
    const both = h.discord.chatCommand('recap', { window: '2h', since_me: true });
    expect(await refusal(h, both.token)).toMatch(/^Give at most one of `window`/);
    const odd = h.discord.chatCommand('recap', { window: 'yesterday' });
    expect(await refusal(h, odd.token)).toMatch(/^`yesterday` is not a window/);
    expect(historyReads(h, h.discord.textChannelId)).toEqual([]);
  });
});

describe('Discord: Apps → Recap from here', () => {
  it('recaps from that message to now, privately', async () => {
    const h = await start();
    const d = h.discord;
    const [, from] = d.seedHistory(d.textChannelId, [
      { author: 'dana', content: 'before it', at: ago(50) },
      { author: 'erin', content: 'from here', at: ago(40) },
      { author: 'dana', content: 'after it', at: ago(30) },
    ]);
    if (!from) throw new Error('nothing seeded');
    const { token } = d.messageCommand(from, { name: 'Recap from here' });
    const reply = await recapReply(h, token);
    expect(callsFor(h, token)[0]?.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(embedOf(reply)?.title).toBe('Recap of #general, from that message on');
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual(['from here', 'after it']);
  });
});

describe('Discord: who sees a recap', () => {
  it('posts a public recap in the reply, naming who asked without pinging them', async () => {
    const h = await start();
    const d = h.discord;
    d.seedHistory(d.textChannelId, [{ author: 'dana', content: 'We ship Friday', at: ago(20) }]);
    const { token } = d.chatCommand('recap', { public: true });
    const reply = await recapReply(h, token);
    expect(callsFor(h, token)[0]?.body).toEqual({ type: 5, data: { flags: 0 } });
    expect(reply.body?.content).toBe(`📝 Recap requested by <@${d.alice.id}>`);
    expect(reply.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('refuses a public recap where RECAP_PUBLIC_ALLOWED is false, before reading anything', async () => {
    const h = await start({ env: { RECAP_PUBLIC_ALLOWED: 'false' } });
    h.discord.seedHistory(h.discord.textChannelId, [{ author: 'dana', content: 'x', at: ago(20) }]);
    const { token } = h.discord.chatCommand('recap', { public: true });
    expect(await refusal(h, token)).toBe(PUBLIC_REFUSED);
    const privately = h.discord.chatCommand('recap', {});
    await recapReply(h, privately.token);
    expect(historyReads(h, h.discord.textChannelId)).toHaveLength(1);
  });
});

describe('Discord: where a recap is refused', () => {
  it.each(['ViewChannel', 'ReadMessageHistory'] as const)(
    'refuses a person without %s in the channel, and never reads it for them',
    async (permission) => {
      const h = await start();
      const d = h.discord;
      d.setPermission(d.textChannelId, { deny: [permission] }, d.alice.id);
      const { token } = d.chatCommand('recap', {});
      expect(await refusal(h, token)).toBe(PERSON_CANNOT_READ);
      expect(historyReads(h, d.textChannelId)).toEqual([]);
    },
  );

  it.each(['ViewChannel', 'ReadMessageHistory'] as const)(
    'refuses where the bot lacks %s, saying which permissions it needs',
    async (permission) => {
      const h = await start();
      const d = h.discord;
      d.setPermission(d.textChannelId, { deny: [permission] }, 'bot');
      const { token } = d.chatCommand('recap', {});
      expect(await refusal(h, token)).toBe(BOT_CANNOT_READ);
      expect(historyReads(h, d.textChannelId)).toEqual([]);
    },
  );

  it('refuses a private thread the bot was not added to', async () => {
    const h = await start();
    const d = h.discord;
    const thread = d.createThread(d.textChannelId, {
      name: 'Secret',
      private: true,
      members: [d.alice.id],
      owner: d.alice,
    });
    const { token } = d.chatCommand('recap', {}, { channelId: String(thread.id) });
    expect(await refusal(h, token)).toBe(BOT_CANNOT_READ);
    expect(historyReads(h, String(thread.id))).toEqual([]);
  });

  it('refuses a deny-listed channel and its threads', async () => {
    const h = await start({ env: (discord) => ({ RECAP_DENY_CHANNELS: discord.textChannelId }) });
    const d = h.discord;
    const thread = String(d.createThread(d.textChannelId, { name: 'Pay', at: ago(5) }).id);
    await waitFor(() => h.bot.client.channels.cache.has(thread));
    const inChannel = d.chatCommand('recap', {});
    expect(await refusal(h, inChannel.token)).toBe(CHANNEL_REFUSED);
    const inThread = d.chatCommand('recap', {}, { channelId: thread });
    expect(await refusal(h, inThread.token)).toBe(CHANNEL_REFUSED);
    expect(d.rest.filter((call) => call.method === 'GET' && call.path.endsWith('/messages'))).toEqual([]);
  });
});
