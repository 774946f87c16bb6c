import { describe, expect, it } from 'vitest';
import { EMPTY_THREAD_NOTE } from '../../src/bots/discord/surface.js';
import type { RestCall } from '../fakes/discord.js';
import { listenLocal } from '../fakes/http.js';
import { startFakeWeb } from '../fakes/web.js';
import { bulletsOf, callsFor, embedOf, expectNoPings, sends, summaryIn } from '../helpers/discord-calls.js';
import { type DiscordHarness, startDiscordHarness, waitFor } from '../helpers/discord-harness.js';
import { closedAfterEach } from '../helpers/per-test.js';

/** Discord: where the answer goes (threads, the reply, the bot's own messages) and how it still arrives when a route fails. */

const closing = closedAfterEach();
const startHarness = closing(startDiscordHarness);
const startWeb = closing(startFakeWeb);

describe('Discord: where the answer goes', () => {
  it('answers a slash command in a direct message in the reply itself (no threads there)', async () => {
    const harness = await startHarness();
    const { token } = harness.discord.slashCommand(
      { text: 'Notes from the planning call: launch in May.' },
      { channelId: harness.discord.dmChannelId },
    );
    const final = await waitFor(() =>
      callsFor(harness, token).find((c) => c.method === 'PATCH' && embedOf(c)?.description),
    );
    expect(bulletsOf(embedOf(final))).toHaveLength(5);
    expect(harness.discord.rest.filter((c) => c.path.endsWith('/threads'))).toEqual([]);
  });

  it('answers a mention inside a thread in that thread', async () => {
    const harness = await startHarness();
    const starter = harness.discord.existingMessage({ content: 'Discussion about the report' });
    const threadId = harness.discord.threadOn(starter);
    await waitFor(() => harness.bot.client.channels.cache.get(threadId));
    const file = harness.discord.attachment(
      'notes.txt',
      Buffer.from('The vendor contract renews in March at the same price.'),
      'text/plain',
    );
    harness.discord.postMessage({
      content: `<@${harness.discord.bot.id}>`,
      attachments: [file],
      channelId: threadId,
    });
    const final = await waitFor(() =>
      harness.discord.rest.find((c) => c.method === 'PATCH' && embedOf(c)?.description),
    );
    expect(final.path.startsWith(`/channels/${threadId}/messages/`)).toBe(true);
    expect(harness.discord.rest.filter((c) => c.path.endsWith('/threads'))).toEqual([]);
  });

  it('answers in the reply itself when it may not create threads', async () => {
    const harness = await startHarness();
    harness.discord.denyThreads();
    const { token } = harness.discord.slashCommand({
      text: 'The support rota changes next week; Ana covers Mondays.',
    });
    const final = await waitFor(() =>
      callsFor(harness, token).find((c) => c.method === 'PATCH' && embedOf(c)?.description),
    );
    expect(bulletsOf(embedOf(final))).toHaveLength(5);
  });

  it('uses the thread already started on a message instead of failing', async () => {
    const web = await startWeb();
    const harness = await startHarness();
    const shared = harness.discord.existingMessage({ content: `${web.url}/notes.txt` });
    const threadId = harness.discord.threadOn(shared);
    await waitFor(() => harness.bot.client.channels.cache.get(threadId));
    const { token } = harness.discord.messageCommand(shared);
    await summaryIn(harness, String(shared.id));
    const done = await waitFor(() =>
      callsFor(harness, token).find((c) => String(c.body?.content).startsWith('✅')),
    );
    expect(done.body?.content).toBe(`✅ Done: the summary is in <#${shared.id}>.`);
  });
});

describe('Discord: no empty thread left behind', () => {
  /** The slash reply's thread, once its answer could not be posted there, and the calls made in it. */
  async function failedThread(h: DiscordHarness): Promise<{ threadId: string; inThread: RestCall[] }> {
    h.discord.failNext('POST /channels/:id/messages', {
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    const { token } = h.discord.slashCommand({
      text: 'The support rota changes next week; Ana covers Mondays.',
    });
    const final = await waitFor(() =>
      callsFor(h, token).find((c) => c.method === 'PATCH' && embedOf(c)?.description),
    );
    expect(bulletsOf(embedOf(final))).toHaveLength(5);
    const started = await waitFor(() =>
      h.discord.rest.find((c) => c.method === 'POST' && c.path.endsWith('/threads')),
    );
    const threadId = started.path.split('/').at(-2) ?? '';
    return { threadId, inThread: h.discord.rest.filter((c) => c.path.startsWith(`/channels/${threadId}`)) };
  }

  it('deletes the thread it started when the answer could not be posted in it', async () => {
    const harness = await startHarness();
    harness.discord.setRolePermissions('bot', [
      'ViewChannel',
      'SendMessages',
      'SendMessagesInThreads',
      'CreatePublicThreads',
      'ReadMessageHistory',
      'EmbedLinks',
      'ManageThreads',
    ]);
    const { threadId, inThread } = await failedThread(harness);
    expect(inThread.map((c) => c.method)).toEqual(['POST', 'DELETE']);
    expect(harness.discord.channels.has(threadId)).toBe(false);
  });

  it('says in the thread why it is empty when it may not delete it (no Manage Threads)', async () => {
    const harness = await startHarness();
    const { inThread } = await failedThread(harness);
    expect(inThread.map((c) => c.method)).toEqual(['POST', 'DELETE', 'POST']);
    expect(inThread.at(-1)?.body?.content).toBe(EMPTY_THREAD_NOTE);
  });
});

describe('Discord: shutting down', () => {
  it('tells the person whose summary was under way that recap is restarting', async () => {
    const harness = await startHarness();
    // The model is still writing when recap stops (the chat ends as recap lets go of it).
    harness.ollama.hold();
    const { token } = harness.discord.slashCommand({ text: 'A long planning meeting about next year.' });
    await waitFor(() => (harness.ollama.chats.length ?? 0) > 0, 'the chat on the model');
    await harness.runtime.stop();
    const notice = harness.discord.rest.find((c) => c.method === 'POST' && c.path.endsWith(token));
    expect(notice?.body).toMatchObject({
      flags: 64,
      content: expect.stringContaining('recap is restarting'),
    });
  });
});

describe('Discord: when the interaction token expires first', () => {
  /** A transcript long enough to be read in several parts, so progress goes on after the token is gone. */
  const longNotes = () =>
    Buffer.from(
      Array.from(
        { length: 300 },
        (_, i) => `Item ${i}: the team reviewed budget line ${i} and agreed to revisit it next quarter.`,
      ).join('\n'),
    );

  it('stops using a token Discord has refused, and answers through the bot', async () => {
    const harness = await startHarness({ env: { RECAP_NUM_CTX: '2048' } });
    const h = harness;
    const answer = h.ollama.hold();
    const file = h.discord.attachment('notes.txt', longNotes(), 'text/plain');
    const { token } = h.discord.slashCommand({ file });
    const original = await waitFor(
      () => [...h.discord.messages.values()].find((m) => m.webhook_id),
      'the reply to the command',
    );
    await waitFor(() => h.ollama.chats.length > 0, 'the first part on the model');
    // Discord's token dies long before recap's clock says so: only Discord's answer can tell.
    h.discord.expireInteraction(token);
    const beforeExpiry = callsFor(h, token).length;
    answer();
    const summary = await summaryIn(h, String(original.id));
    expect(bulletsOf(embedOf(summary))).toHaveLength(5);
    expect(h.ollama.chats.length).toBeGreaterThan(2);
    await waitFor(
      () =>
        h.discord.rest.find(
          (c) =>
            c.method === 'PATCH' && c.path === `/channels/${original.channel_id}/messages/${original.id}`,
        ),
      'the reply edited with the bot token',
    );
    // One call learned that the token was gone; none followed it.
    expect(callsFor(h, token).slice(beforeExpiry)).toHaveLength(1);
  });

  it('Apps → Summarize: a summary posted in the thread stays a success when the token has expired', async () => {
    const web = await startWeb();
    const harness = await startHarness({
      discord: { interactionTtlMs: 300 },
      ollama: { answerDelayMs: 500 },
    });
    const target = harness.discord.existingMessage({ content: `Worth a read: ${web.url}/news/bike-lanes` });
    harness.discord.messageCommand(target);
    const summary = await summaryIn(harness, String(target.id));
    expect(bulletsOf(embedOf(summary))).toHaveLength(5);
    await waitFor(() => harness.logs.some((line) => line.startsWith('info summarized')));
    expect(sends(harness.discord.rest).filter((c) => String(c.body?.content).startsWith('⚠️'))).toEqual([]);
    expect(harness.discord.rest.filter((c) => c.path === '/users/@me/channels')).toEqual([]);
  });
});

describe('Discord: where the bot may not post', () => {
  it('after the token has expired, edits its own reply as text when it may neither post nor embed there', async () => {
    const harness = await startHarness({
      discord: { interactionTtlMs: 1000 },
      interactionTtlMs: 1000,
      ollama: { answerDelayMs: 1500 },
    });
    // Slash commands need no channel permission; the bot token's fallbacks do.
    harness.discord.setPermission(
      harness.discord.textChannelId,
      { deny: ['SendMessages', 'SendMessagesInThreads', 'CreatePublicThreads'] },
      'bot',
    );
    harness.discord.slashCommand({ text: 'Roadmap review: the launch moves to May; Ana owns pricing.' });
    const original = await waitFor(() => [...harness.discord.messages.values()].find((m) => m.webhook_id));
    const edit = await waitFor(() =>
      harness.discord.rest.find(
        (c) =>
          c.method === 'PATCH' &&
          c.path === `/channels/${original.channel_id}/messages/${original.id}` &&
          String(c.body?.content).includes('• '),
      ),
    );
    expect(
      String(edit.body?.content)
        .split('\n')
        .filter((line) => line.startsWith('• ')),
    ).toHaveLength(5);
    expect(String(harness.discord.messages.get(String(original.id))?.content)).toContain('• ');
    expectNoPings(harness);
  });
});

describe('Discord: credentials', () => {
  it('downloads an attachment with no credential at all: the bot token never leaves the REST client', async () => {
    const requests: { authorization: string | undefined }[] = [];
    const cdn = await listenLocal((request, response) => {
      requests.push({ authorization: request.headers.authorization });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('Notes: the vendor contract renews in March at the same price.');
    });
    try {
      const harness = await startHarness();
      const file = {
        id: '1300000000000000777',
        filename: 'notes.txt',
        size: 61,
        url: `${cdn.url}/attachments/1/2/notes.txt`,
        proxy_url: `${cdn.url}/attachments/1/2/notes.txt`,
        content_type: 'text/plain',
      };
      harness.discord.slashCommand({ file });
      await waitFor(() => harness.logs.some((line) => line.startsWith('info summarized')));
      expect(requests).toEqual([{ authorization: undefined }]);
    } finally {
      await cdn.close();
    }
  });
});
