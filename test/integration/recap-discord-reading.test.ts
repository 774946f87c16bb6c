/**
 * How a Discord recap reads: the message limit with exact counts, what it skips, names and mentions,
 * the Message Content intent, progress, 429s on history, a conversation larger than the model's
 * context, and nothing kept after the request. Real discord.js bot, fake Discord, fake Ollama.
 */
import { describe, expect, it } from 'vitest';
import { INTENT_MISSING } from '../../src/bots/discord/recap-history.js';
import { waitFor } from '../helpers/discord-harness.js';
import {
  ago,
  bulletsOf,
  callsFor,
  embedOf,
  finalWords,
  historyReads,
  promptsSeen,
  recapHarnessPerTest,
  recapReply,
  saidIn,
  scriptBullets,
  transcriptLines,
  yesterdayAt,
} from '../helpers/recap-discord.js';

const start = recapHarnessPerTest();

describe('Discord: what a recap reads', () => {
  it('keeps the newest 1,000 messages and counts the older ones in the window exactly', async () => {
    const h = await start();
    const d = h.discord;
    const people = ['dana', 'erin', 'sam'];
    d.seedHistory(
      d.textChannelId,
      Array.from({ length: 1037 }, (_, i) => ({
        author: people[i % 3] ?? 'dana',
        content: `point ${i}`,
        at: ago(1100 - i),
      })),
    );
    const { token } = d.chatCommand('recap', {});
    const footer = embedOf(await recapReply(h, token))?.footer?.text ?? '';
    expect(footer).toMatch(
      /^1000 messages by 3 people, .+ UTC; 37 older messages beyond the limit · llama3\.2 · /,
    );
    expect(promptsSeen(h.ollama)).toContain('point 37');
    expect(promptsSeen(h.ollama)).not.toContain('point 36\n');
    expect(historyReads(h, d.textChannelId)).toHaveLength(11);
  });

  it('skips its own and system messages, counting them, and marks other bots', async () => {
    const h = await start();
    const d = h.discord;
    d.seedHistory(d.textChannelId, [
      { author: 'erin', type: 7, at: yesterdayAt('09:00') },
      { author: 'dana', content: 'Deploy today?', at: yesterdayAt('09:01') },
      { author: d.bot, content: 'an earlier recap', at: yesterdayAt('09:02') },
      { author: d.otherBot, content: 'Deployed v2', at: yesterdayAt('09:03') },
      { author: 'erin', content: 'Thanks!', at: yesterdayAt('09:04') },
    ]);
    const { token } = d.chatCommand('recap', { window: '3d' });
    const footer = embedOf(await recapReply(h, token))?.footer?.text;
    expect(transcriptLines(h.ollama)).toEqual([
      '[1] dana (09:01): Deploy today?',
      '[2] otherbot (bot) (09:03): Deployed v2',
      '[3] erin (09:04): Thanks!',
    ]);
    expect(footer).toMatch(
      /^3 messages by 2 people and 1 app, 09:01–09:04 UTC; 1 bot message skipped; 1 system message skipped · /,
    );
  });

  it('names people as the server shows them and turns every mention into plain words', async () => {
    const h = await start();
    const d = h.discord;
    const dana = d.addUser('dana', { globalName: 'Dana Scully', nick: 'Dana (ops)' });
    const erin = d.addUser('erin', { globalName: 'Erin Lee' });
    const moderators = d.addRole('Moderators');
    d.seedHistory(d.textChannelId, [
      {
        author: dana,
        content: `<@${erin.id}> and <@!${erin.id}>, ask <@&${moderators}> in <#${d.textChannelId}> <:party:123> @everyone @here`,
        at: yesterdayAt('12:00'),
      },
      { author: erin, content: 'On it, <@999> is away', at: yesterdayAt('12:05') },
    ]);
    const { token } = d.chatCommand('recap', { window: '3d' });
    await recapReply(h, token);
    expect(transcriptLines(h.ollama)).toEqual([
      '[1] Dana (ops) (12:00): @Erin Lee and @Erin Lee, ask @Moderators in #general :party: (to everyone) (to everyone online)',
      '[2] Erin Lee (12:05): On it, @someone is away',
    ]);
    // Each name is asked once in the request, however often the person writes or is mentioned.
    const members = d.rest
      .filter((call) => call.method === 'GET' && call.path.startsWith(`/guilds/${d.guildId}/members/`))
      .map((call) => call.path.split('/').at(-1));
    expect(members.sort()).toEqual([dana.id, erin.id].sort());
  });

  it('names only the channels everyone here can see: a private channel stays "a channel"', async () => {
    const h = await start();
    const d = h.discord;
    const open = String(d.addChannel('random').id);
    const secret = String(d.addChannel('mod-secrets').id);
    d.setPermission(secret, { deny: ['ViewChannel'] }, '@everyone');
    d.setPermission(secret, { allow: ['ViewChannel'] }, 'bot');
    d.seedHistory(d.textChannelId, [
      { author: 'dana', content: `see <#${open}> and <#${secret}>`, at: ago(5) },
    ]);
    const { token } = d.chatCommand('recap', { window: '3d' });
    await recapReply(h, token);
    expect(transcriptLines(h.ollama)).toEqual([expect.stringMatching(/: see #random and #a channel$/)]);
    expect(promptsSeen(h.ollama)).not.toContain('mod-secrets');
  });

  it('pings nobody when the model writes mentions back', async () => {
    const h = await start();
    const d = h.discord;
    d.seedHistory(d.textChannelId, [{ author: 'dana', content: 'hi all', at: ago(5) }]);
    scriptBullets(h.ollama, [
      '@everyone must read this [1].',
      `Ask <@${d.alice.id}> and <@&${d.guildId}> [1].`,
      '@here too [1].',
      'A [link](https://evil.example) [1].',
      'Fine [1].',
    ]);
    const { token } = d.chatCommand('recap', { public: true });
    const reply = await recapReply(h, token);
    const bullets = bulletsOf(embedOf(reply));
    expect(bullets[0]).toMatch(/^• @\u200beveryone must read this\./);
    expect(bullets[1]).toMatch(new RegExp(`^• Ask \\\\<@${d.alice.id}\\\\> and \\\\<@&${d.guildId}\\\\>\\.`));
    expect(bullets[3]).toMatch(/^• A \\\[link\\\]\\\(https:\/\/evil\.example\\\)\./);
    expect(reply.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('explains a missing Message Content intent instead of recapping empty messages', async () => {
    const h = await start();
    const d = h.discord;
    d.seedHistory(d.textChannelId, [
      { author: 'dana', content: 'plans for Friday', at: ago(30) },
      { author: 'erin', content: 'agreed', at: ago(20) },
      { author: 'dana', content: `<@${d.bot.id}> can you recap?`, at: ago(10) },
    ]);
    d.revokeMessageContent();
    const { token } = d.chatCommand('recap', {});
    expect(await finalWords(h, token)).toBe(`⚠️ ${INTENT_MISSING}`);
    expect(h.ollama.chats).toHaveLength(0);
  });
});

describe('Discord: reading history under limits', () => {
  function seedMany(h: Awaited<ReturnType<typeof start>>, count: number): void {
    h.discord.seedHistory(
      h.discord.textChannelId,
      Array.from({ length: count }, (_, i) => ({ author: 'dana', content: `note ${i}`, at: ago(count - i) })),
    );
  }

  it('shows how many messages it has read so far', async () => {
    const h = await start();
    seedMany(h, 450);
    const { token } = h.discord.chatCommand('recap', {});
    await recapReply(h, token);
    const progress = callsFor(h, token)
      .map((call) => call.body?.content)
      .filter((content) => String(content).startsWith('⏳ Reading messages'));
    expect(progress).toEqual([100, 200, 300, 400, 450].map((n) => `⏳ Reading messages (${n} so far)…`));
  });

  it('waits out a short 429 on history and reads on', async () => {
    const h = await start();
    seedMany(h, 150);
    h.discord.rateLimitAfter('GET /channels/:id/messages', 1, { retryAfterMs: 300 });
    const { token } = h.discord.chatCommand('recap', {});
    const footer = embedOf(await recapReply(h, token))?.footer?.text;
    expect(footer).toMatch(/^150 messages by 1 person, /);
    expect(footer).not.toContain('cut short');
    expect(historyReads(h, h.discord.textChannelId)).toHaveLength(3);
  });

  it('recaps what arrived when a 429 asks for a long wait, and says the reading was cut short', async () => {
    const h = await start();
    seedMany(h, 150);
    h.discord.rateLimitAfter('GET /channels/:id/messages', 1, { retryAfterMs: 120_000 });
    const { token } = h.discord.chatCommand('recap', {});
    const footer = embedOf(await recapReply(h, token))?.footer?.text;
    expect(footer).toMatch(
      /^100 messages by 1 person, .+; reading was cut short by the platform's rate limit · /,
    );
  });

  it('answers other requests while a recap waits out a 429 on history', async () => {
    const h = await start();
    seedMany(h, 150);
    h.discord.rateLimitAfter('GET /channels/:id/messages', 1, { retryAfterMs: 6000 });
    const recap = h.discord.chatCommand('recap', {});
    await waitFor(() => historyReads(h, h.discord.textChannelId).length === 2);
    const summary = h.discord.slashCommand({ text: 'Standup: the launch moves to May.' });
    const summarized = await waitFor(() =>
      h.discord.rest.find((call) => call.method === 'POST' && embedOf(call)?.description),
    );
    // The summary was posted while the recap's history read was still waiting out its 429.
    expect(historyReads(h, h.discord.textChannelId)).toHaveLength(2);
    expect(summarized).toBeDefined();
    expect(callsFor(h, summary.token).length).toBeGreaterThan(0);
    await recapReply(h, recap.token);
  });
});

describe('Discord: a conversation longer than the model’s context', () => {
  it('goes through map-reduce with every message reaching the model, citations kept to the end', async () => {
    const h = await start({ env: { RECAP_NUM_CTX: '2048' } });
    const d = h.discord;
    const seeded = d.seedHistory(
      d.textChannelId,
      Array.from({ length: 300 }, (_, i) => ({
        author: i % 2 ? 'dana' : 'erin',
        content: `item ${i}: the launch checklist entry number ${i} is done`,
        at: ago(400 - i),
      })),
    );
    // Each call answers with notes and bullets that cite message 2, as a model keeping the numbers would.
    const answer = {
      notes: ['Erin finished entry 1 [2].', 'Work went on [3].', 'More work [4].'],
      bullets: ['Erin finished entry 1 [2].', 'b [3].', 'c [4].', 'd [5].', 'e [999].'],
    };
    for (let call = 0; call < 40; call++) h.ollama.script({ kind: 'reply', content: JSON.stringify(answer) });
    const { token } = d.chatCommand('recap', {});
    const reply = await recapReply(h, token);
    const parts = h.ollama.chats.filter((chat) => /This is part \d+ of/.test(chat.seenPrompt));
    expect(parts.length).toBeGreaterThan(2);
    const read = parts.map((chat) => chat.seenPrompt).join('\n');
    for (let i = 0; i < 300; i++) expect(read).toContain(`[${i + 1}] `);
    for (let i = 0; i < 300; i++) expect(read).toContain(`item ${i}: the launch`);
    const merge = h.ollama.chats.at(-1)?.seenPrompt ?? '';
    expect(merge).toContain('<notes>');
    expect(merge).toContain('Erin finished entry 1 [2].');
    expect(bulletsOf(embedOf(reply))[0]).toContain(`/${d.textChannelId}/${String(seeded[1]?.id)})`);
    expect(embedOf(reply)?.footer?.text).toMatch(new RegExp(` · ${parts.length} parts · `));
  });
});

describe('Discord: nothing kept after a recap', () => {
  it('never serves a deleted message again: each recap reads anew and calls the model', async () => {
    const h = await start();
    const d = h.discord;
    const [, oops] = d.seedHistory(d.textChannelId, [
      { author: 'dana', content: 'Ship on Friday', at: ago(30) },
      { author: 'erin', content: 'the wifi password is hunter2', at: ago(20) },
    ]);
    // The same conversation twice: a cache would answer the second without the model.
    for (let i = 0; i < 2; i++) await recapReply(h, d.chatCommand('recap', {}).token);
    expect(h.ollama.chats).toHaveLength(2);
    expect(transcriptLines(h.ollama).map(saidIn)).toContain('the wifi password is hunter2');
    d.deleteMessage(String(oops?.id));
    const third = d.chatCommand('recap', {});
    await recapReply(h, third.token);
    expect(h.ollama.chats).toHaveLength(3);
    expect(h.ollama.chats[2]?.seenPrompt).not.toContain('hunter2');
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual(['Ship on Friday']);
  });
});
