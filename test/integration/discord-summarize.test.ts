import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/bots/discord/register.js';
import { BOT_TOKEN, startFakeDiscord } from '../fakes/discord.js';
import { startFakeWeb } from '../fakes/web.js';
import { startFakeYouTube } from '../fakes/youtube.js';
import {
  bulletsOf,
  callsFor,
  embedOf,
  expectNoPings,
  type Json,
  summaryIn,
  threadCreatedOn,
} from '../helpers/discord-calls.js';
import { type DiscordHarness, startDiscordHarness, waitFor } from '../helpers/discord-harness.js';
import { fixturePath } from '../helpers/fixtures.js';
import { closedAfterEach } from '../helpers/per-test.js';

/** Discord: /summarize and Apps → Summarize end to end (discord.js against the fake), and registering the commands. */

const closing = closedAfterEach();
const startHarness = closing(startDiscordHarness);
const startWeb = closing(startFakeWeb);
const startYouTube = closing(startFakeYouTube);

describe('Discord: /summarize', () => {
  it('defers at once, shows progress, and posts five bullets linked to their moments in a thread on the reply', async () => {
    const youtube = await startYouTube();
    const harness = await startHarness({ env: { YOUTUBE_BASE_URL: youtube.url } });
    const { token } = harness.discord.slashCommand({ link: 'https://youtu.be/okManualEn1?si=share' });
    const calls = () => callsFor(harness, token);

    // Each of YouTube's answers (watch page, player response, captions) is parsed in a process of its own.
    const header = await waitFor(
      () => calls().find((c) => c.method === 'PATCH' && String(c.body?.content).startsWith('📝')),
      "the reply's header",
    );
    expect(calls()[0]).toMatchObject({
      method: 'POST',
      path: expect.stringMatching(/\/callback$/),
      body: { type: 5 },
    });
    expect(calls().some((c) => c.method === 'PATCH' && String(c.body?.content).startsWith('⏳'))).toBe(true);
    expect(header.body?.content).toBe(
      '📝 Summary of **Leaked Internal Google AI Memo** — in the thread below.',
    );

    const original = [...harness.discord.messages.values()].find(
      (m) => m.webhook_id && m.channel_id === harness.discord.textChannelId,
    );
    const threadCall = await threadCreatedOn(harness, String(original?.id));
    expect(threadCall.body?.name).toBe('Summary: Leaked Internal Google AI Memo');
    const summary = embedOf(await summaryIn(harness, String(original?.id)));
    expect(summary?.title).toBe('Leaked Internal Google AI Memo');
    expect(summary?.url).toBe('https://www.youtube.com/watch?v=okManualEn1');
    const bullets = bulletsOf(summary);
    expect(bullets).toHaveLength(5);
    expect(
      bullets.some((line) =>
        /\(\[\d+:\d{2}\]\(https:\/\/www\.youtube\.com\/watch\?v=okManualEn1&t=\d+s\)\)$/.test(line),
      ),
    ).toBe(true);
    expect(summary?.footer?.text).toMatch(/^llama3\.2 · \d+ s$/);
    expect(harness.discord.interactions.get(token)?.acknowledgedAt).toBeDefined();
    expectNoPings(harness);
  });

  it('summarizes an attached transcript, downloaded through the safe fetcher', async () => {
    const harness = await startHarness();
    const file = harness.discord.attachment(
      'standup.vtt',
      readFileSync(fixturePath('files/teams-meeting.vtt')),
      'text/vtt',
    );
    harness.discord.slashCommand({ file });
    const summary = await waitFor(() =>
      harness.discord.rest.find((c) => c.method === 'POST' && embedOf(c)?.description),
    );
    expect(bulletsOf(embedOf(summary))).toHaveLength(5);
    expect(embedOf(summary)?.description).toContain('Source: standup.vtt');
    // Timed file transcripts show the moment without a link.
    expect(embedOf(summary)?.description).toMatch(/\(\d+:\d{2}\)/);
    expect(harness.ollama.chats[0]?.messages.at(-1)?.content).toContain("[0:08] Ben O'Neil: Thanks, Ana.");
  });

  it('summarizes text, in the language asked for', async () => {
    const harness = await startHarness();
    harness.discord.slashCommand({
      text: 'The team agreed to move the launch to May and hire two support engineers.',
      language: 'Spanish',
    });
    await waitFor(() => harness.discord.rest.find((c) => c.method === 'POST' && embedOf(c)?.description));
    expect(harness.ollama.chats[0]?.messages.at(-1)?.content).toContain('Write in Spanish.');
  });

  it('explains, privately and without deferring, when nothing was given to summarize', async () => {
    const harness = await startHarness();
    const { token } = harness.discord.slashCommand({});
    const callback = await waitFor(() => callsFor(harness, token)[0]);
    expect(callback.body).toMatchObject({
      type: 4,
      data: { flags: 64, content: expect.stringContaining('`link`') },
    });
    expect(harness.ollama.chats).toHaveLength(0);
  });

  it.each([
    [
      'an unsupported file',
      (h: DiscordHarness) => ({
        file: h.discord.attachment('photo.gif', Buffer.from('GIF89a....'), 'image/gif'),
      }),
      /\.gif files are not supported/,
    ],
    [
      'a blocked link',
      () => ({ link: 'http://169.254.169.254/latest/meta-data/' }),
      /Not opening .*link-local address/,
    ],
    ['a private video', () => ({ link: 'https://www.youtube.com/watch?v=privateVid1' }), /is private/],
  ])(
    'answers %s with a private message saying what to do, and removes the public reply',
    async (_name, options, message) => {
      const youtube = await startYouTube();
      const harness = await startHarness({ env: { YOUTUBE_BASE_URL: youtube.url } });
      const { token } = harness.discord.slashCommand(options(harness));
      const followUp = await waitFor(() =>
        callsFor(harness, token).find((c) => c.method === 'POST' && c.path.endsWith(token)),
      );
      expect(followUp.body).toMatchObject({ flags: 64, content: expect.stringMatching(message) });
      expect(String(followUp.body?.content)).not.toMatch(/\n\s+at /);
      await waitFor(() => callsFor(harness, token).some((c) => c.method === 'DELETE'));
    },
  );

  it('says the model is down and how to fix it', async () => {
    const harness = await startHarness();
    await harness.ollama.close();
    const { token } = harness.discord.slashCommand({ text: 'Some meeting notes about the budget.' });
    const followUp = await waitFor(() =>
      callsFor(harness, token).find((c) => c.method === 'POST' && c.path.endsWith(token)),
    );
    expect(followUp.body?.content).toMatch(
      /Can't reach Ollama at http:\/\/127\.0\.0\.1:\d+\. Is `ollama serve` running/,
    );
  });

  it('acknowledges at once even when the link is slow to answer', async () => {
    const web = await startWeb({ hangOn: '/slow' });
    const harness = await startHarness({ env: { FETCH_TIMEOUT_MS: '60000' } });
    const { token } = harness.discord.slashCommand({ link: `${web.url}/slow` });
    await waitFor(() => web.requests.includes('/slow'));
    expect(harness.discord.interactions.get(token)?.acknowledgedAt).toBeDefined();
    expect(callsFor(harness, token)[0]?.body).toMatchObject({ type: 5 });
  });

  it('posts the result as an ordinary message when the run outlasts the interaction token', async () => {
    const harness = await startHarness({
      discord: { interactionTtlMs: 1000 },
      interactionTtlMs: 1000,
      // The model answers only after the token has expired.
      ollama: { answerDelayMs: 1500 },
    });
    const { token } = harness.discord.slashCommand({
      text: 'A long discussion about the roadmap, the budget and the hiring plan for next year.',
    });
    const original = await waitFor(() => [...harness.discord.messages.values()].find((m) => m.webhook_id));
    const summary = await summaryIn(harness, String(original.id));
    expect(bulletsOf(embedOf(summary))).toHaveLength(5);
    // Past its lifetime the token is not used: the header is edited with the bot's own token.
    const header = await waitFor(() =>
      harness.discord.rest.find(
        (c) => c.method === 'PATCH' && c.path === `/channels/${original.channel_id}/messages/${original.id}`,
      ),
    );
    expect(header.body?.content).toMatch(/^📝/);
    const late = callsFor(harness, token).filter(
      (c) => c.at > (harness.discord.interactions.get(token)?.dispatchedAt ?? 0) + 1000,
    );
    expect(late).toEqual([]);
  });

  it('still delivers the summary when the gateway closes in the middle of the job, and resumes', async () => {
    const harness = await startHarness();
    // The model holds its answer until the session has resumed, however long that takes.
    const answer = harness.ollama.hold();
    harness.discord.slashCommand({
      text: 'Quarterly planning: revenue targets, two new hires, and the office move in June.',
    });
    await waitFor(() => (harness.ollama.chats.length ?? 0) > 0, 'the chat on the model');
    harness.discord.closeGateway(4000);
    await waitFor(() => harness.discord.gatewayLog.some((entry) => entry.t === 'RESUMED'), 'the resume');
    answer();
    const summary = await waitFor(() =>
      harness.discord.rest.find((c) => c.method === 'POST' && embedOf(c)?.description),
    );
    expect(bulletsOf(embedOf(summary))).toHaveLength(5);
    const resumed = harness.discord.gatewayLog.find((entry) => entry.t === 'RESUMED');
    expect(harness.discord.gatewayLog.some((entry) => entry.op === 6)).toBe(true);
    expect(resumed?.at).toBeLessThan(summary.at);
  });

  it('limits how often one person can ask, before the shared queue', async () => {
    const harness = await startHarness({ userLimit: 1 });
    harness.discord.slashCommand({ text: 'First request about the budget review.' });
    await waitFor(() => harness.discord.rest.find((c) => c.method === 'POST' && embedOf(c)?.description));
    const { token } = harness.discord.slashCommand({ text: 'Second request about the budget review.' });
    const refusal = await waitFor(() => callsFor(harness, token)[0]);
    expect(refusal.body).toMatchObject({
      type: 4,
      data: { flags: 64, content: expect.stringContaining('Please wait') },
    });
    expect(harness.ollama.chats).toHaveLength(1);
  });

  it("keeps serving others when one person's request fails", async () => {
    const harness = await startHarness();
    const bad = harness.discord.slashCommand({
      file: harness.discord.attachment('virus.exe', Buffer.from('MZ\0\0'), 'application/octet-stream'),
    });
    harness.discord.slashCommand({
      text: 'The roadmap review moved to Thursday; design owns the new onboarding flow.',
    });
    await waitFor(() =>
      callsFor(harness, bad.token).find((c) => c.method === 'POST' && c.path.endsWith(bad.token)),
    );
    const summary = await waitFor(() =>
      harness.discord.rest.find((c) => c.method === 'POST' && embedOf(c)?.description),
    );
    expect(bulletsOf(embedOf(summary))).toHaveLength(5);
  });

  it('acknowledges, then says it is busy, when the queue is full', async () => {
    const harness = await startHarness({ env: { RECAP_QUEUE_MAX: '0' } });
    // The first request holds the one place until the second has been turned away.
    harness.ollama.hold();
    harness.discord.slashCommand({ text: 'First: the office lease renewal and the parking plan.' });
    await waitFor(() => (harness.ollama.chats.length ?? 0) > 0, 'the first chat on the model');
    const { token } = harness.discord.slashCommand({
      text: 'Second: a different meeting about the hiring plan.',
    });
    const busy = await waitFor(() =>
      callsFor(harness, token).find((c) => c.method === 'POST' && c.path.endsWith(token)),
    );
    expect(callsFor(harness, token)[0]?.body).toMatchObject({ type: 5 });
    expect(busy.body).toMatchObject({ flags: 64, content: expect.stringContaining('recap is busy') });
  });

  it('answers only in the servers it is allowed in', async () => {
    const harness = await startHarness({ allowedGuilds: ['999'] });
    const { token } = harness.discord.slashCommand({ text: 'Notes.' });
    const refusal = await waitFor(() => callsFor(harness, token)[0]);
    expect(refusal.body).toMatchObject({
      type: 4,
      data: { flags: 64, content: expect.stringContaining('DISCORD_ALLOWED_GUILDS') },
    });
  });
});

describe('Discord: Apps → Summarize', () => {
  it('summarizes the message in a thread started on it, with status kept private', async () => {
    const web = await startWeb();
    const harness = await startHarness();
    const target = harness.discord.existingMessage({ content: `Worth a read: ${web.url}/news/bike-lanes` });
    const { token } = harness.discord.messageCommand(target);
    const summary = await summaryIn(harness, String(target.id));
    expect(embedOf(summary)?.title).toBe('City council approves bike lane network');
    expect(callsFor(harness, token)[0]?.body).toMatchObject({ type: 5, data: { flags: 64 } });
    const done = await waitFor(() =>
      callsFor(harness, token).find((c) => String(c.body?.content).startsWith('✅')),
    );
    expect(done.body?.content).toBe(`✅ Done: the summary is in <#${target.id}>.`);
    expectNoPings(harness);
  });
});

describe('Discord: registering the commands', () => {
  it('registers /summarize and the Summarize message command to one guild, or globally', async () => {
    const discord = await startFakeDiscord();
    try {
      const guild = await registerCommands({
        token: BOT_TOKEN,
        restApi: discord.restApi,
        guildId: discord.guildId,
      });
      expect(guild.names).toEqual(['summarize', 'Summarize', 'recap', 'Recap from here']);
      const put = discord.rest.find((c) => c.method === 'PUT');
      expect(put?.path).toBe(`/applications/${discord.bot.id}/guilds/${discord.guildId}/commands`);
      const [slash, message] = (put?.body ?? []) as unknown as Json[];
      expect(((slash?.options ?? []) as Json[]).map((o) => o.name)).toEqual([
        'link',
        'file',
        'text',
        'language',
      ]);
      expect(message).toMatchObject({ name: 'Summarize', type: 3 });

      await registerCommands({ token: BOT_TOKEN, restApi: discord.restApi, applicationId: discord.bot.id });
      expect(discord.rest.filter((c) => c.method === 'PUT').at(-1)?.path).toBe(
        `/applications/${discord.bot.id}/commands`,
      );
    } finally {
      await discord.close();
    }
  });
});
