/**
 * How a Slack recap reads: the message limit with exact counts, the busiest threads, what it skips,
 * mentions made plain, progress, 429s on history (waited out without holding up other answers, or ending
 * the reading), a conversation larger than the model's context, and nothing kept after the request.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/discord-harness.js';
import {
  ago,
  blocksIn,
  contextsIn,
  historyCalls,
  privateRecap,
  promptsSeen,
  publicRecap,
  recapCommand,
  saidIn,
  slackHarnessPerTest,
  transcriptLines,
  yesterdayAt,
} from '../helpers/recap-slack.js';

const start = slackHarnessPerTest();
type Harness = Awaited<ReturnType<typeof start>>;

const footerOf = async (h: Harness) => contextsIn(blocksIn(await privateRecap(h))).at(-1) ?? '';

function seedMany(h: Harness, count: number, text = (i: number) => `note ${i}`): void {
  h.slack.seedHistory(
    'C0000001',
    Array.from({ length: count }, (_, i) => ({ user: 'U0000002', text: text(i), at: ago(count - i) })),
  );
}

describe('Slack: what a recap reads', () => {
  it('keeps the newest 1,000 messages and counts the older ones in the window exactly', async () => {
    const h = await start();
    const people = ['U0000001', 'U0000002', 'U0000003'];
    h.slack.seedHistory(
      'C0000001',
      Array.from({ length: 1037 }, (_, i) => ({
        user: people[i % 3] ?? 'U0000001',
        text: `point ${i}`,
        at: ago(1100 - i),
      })),
    );
    await recapCommand(h, '');
    expect(await footerOf(h)).toMatch(
      /^1000 messages by 3 people, .+ UTC; 37 older messages beyond the limit · /,
    );
    expect(promptsSeen(h.ollama)).toContain('point 37');
    expect(promptsSeen(h.ollama)).not.toContain('point 36\n');
  });

  it('keeps `last N` to N messages when it expands a busy thread, the newest of them', async () => {
    const h = await start();
    const [older, parent] = h.slack.seedHistory('C0000001', [
      { user: 'U0000001', text: 'older topic', at: yesterdayAt('09:00') },
      { user: 'U0000001', text: 'busy topic', at: yesterdayAt('09:10') },
    ]);
    if (!older || !parent) throw new Error('nothing seeded');
    h.slack.seedHistory(
      'C0000001',
      Array.from({ length: 5 }, (_, r) => ({
        user: 'U0000002',
        text: `reply ${r}`,
        at: yesterdayAt(`10:1${r}`),
        thread: parent,
      })),
    );
    await recapCommand(h, 'last 2');
    const footer = contextsIn(blocksIn(await privateRecap(h))).at(-1);
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual(['reply 3', 'reply 4']);
    expect(footer).toMatch(/^2 messages by 1 person, 10:13–10:14 UTC · /);
  });

  it('expands the ten busiest threads of a channel, each reply saying what it answers', async () => {
    const h = await start();
    const parents = h.slack.seedHistory(
      'C0000001',
      Array.from({ length: 12 }, (_, i) => ({
        user: 'U0000001',
        text: `topic ${i}`,
        at: yesterdayAt(`09:${10 + i}`),
      })),
    );
    for (const [i, parent] of parents.entries()) {
      h.slack.seedHistory(
        'C0000001',
        Array.from({ length: i + 1 }, (_, r) => ({
          user: 'U0000002',
          text: `reply ${r} to topic ${i}`,
          at: yesterdayAt(`10:${10 + r}`),
          thread: parent,
        })),
      );
    }
    await recapCommand(h, '3d');
    await privateRecap(h);
    const asked = h.slack.callsTo('conversations.replies').map((call) => call.args.ts);
    expect(asked).toEqual(
      parents
        .slice(2)
        .reverse()
        .map((parent) => parent.ts),
    );
    const said = promptsSeen(h.ollama);
    expect(said).toContain('reply 0 to topic 2');
    expect(said).not.toContain('to topic 1\n');
    expect(said).not.toContain('to topic 0');
    const lines = transcriptLines(h.ollama);
    const topic11 = lines.findIndex((line) => line.endsWith('topic 11'));
    expect(lines.find((line) => line.endsWith('reply 11 to topic 11'))).toContain(
      `replying to [${topic11 + 1}]`,
    );
  });

  it('reads a thread started before the window whose replies fall inside it, with its parent', async () => {
    const h = await start();
    const [older, quiet] = h.slack.seedHistory('C0000001', [
      { user: 'U0000001', text: 'Should we delay the launch?', at: ago(26 * 60) },
      { user: 'U0000001', text: 'old thread, no new replies', at: ago(25 * 60) },
    ]);
    if (!older || !quiet) throw new Error('nothing seeded');
    h.slack.seedHistory('C0000001', [
      { user: 'U0000002', text: 'yesterday reply', at: ago(24 * 60 + 30), thread: older },
      { user: 'U0000003', text: 'reply to the quiet one', at: ago(24 * 60 + 20), thread: quiet },
      { user: 'U0000002', text: 'Yes, by one week', at: ago(30), thread: older },
      { user: 'U0000001', text: 'in the channel today', at: ago(20) },
    ]);
    await recapCommand(h, '2h');
    await privateRecap(h);
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual([
      'Should we delay the launch?',
      'Yes, by one week',
      'in the channel today',
    ]);
    expect(transcriptLines(h.ollama)[1]).toContain('replying to [1]');
  });

  it('skips its own and system messages, counting them, and marks other apps', async () => {
    const h = await start();
    h.slack.seedHistory('C0000001', [
      { user: 'U0000003', subtype: 'channel_join', at: yesterdayAt('09:00') },
      { user: 'U0000001', text: 'Deploy today?', at: yesterdayAt('09:01') },
      { user: 'UBOT0001', text: 'an earlier recap', at: yesterdayAt('09:02') },
      { bot: 'B0000DEPLOY', text: 'Deployed v2', at: yesterdayAt('09:03') },
      { user: 'U0000002', text: 'Thanks!', at: yesterdayAt('09:04') },
    ]);
    await recapCommand(h, '3d');
    expect(await footerOf(h)).toMatch(
      /^3 messages by 2 people and 1 app, 09:01–09:04 UTC; 1 bot message skipped; 1 system message skipped · /,
    );
    expect(transcriptLines(h.ollama)).toEqual([
      '[1] Ana Lima (09:01): Deploy today?',
      '[2] b0000deploy (bot) (09:03): Deployed v2',
      '[3] Ben O’Neil (09:04): Thanks!',
    ]);
  });

  it('turns every mention form into plain words before the model reads it', async () => {
    const h = await start();
    h.slack.seedHistory('C0000001', [
      {
        user: 'U0000001',
        text: '<!channel> <!here> <!everyone> ask <@U0000002> and <!subteam^S0001|@eng> in <#C0000001|general>, see <https://x.example/a|the plan> &amp; <!date^1700000000^{date}|Nov 14>; @channel @here, @everyone! ana@here.example',
        at: ago(30),
      },
    ]);
    await recapCommand(h, '');
    await privateRecap(h);
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual([
      '(to the channel) (to everyone here) (to everyone) ask @Ben O’Neil and @eng in #general, see the plan & Nov 14; (to the channel) (to everyone here), (to everyone)! ana@here.example',
    ]);
  });
});

describe('Slack: names under a rate limit', () => {
  it('recaps with a different generic name for each person when users.info asks for a long wait', async () => {
    const h = await start();
    h.slack.seedHistory('C0000001', [
      { user: 'U0000001', text: 'one', at: ago(30) },
      { user: 'U0000002', text: 'two', at: ago(20) },
      { user: 'U0000001', text: 'three', at: ago(10) },
    ]);
    h.slack.rateLimitNext('users.info', 120);
    await recapCommand(h, '');
    await privateRecap(h);
    expect(transcriptLines(h.ollama).map((line) => line.slice(0, line.indexOf(' (')))).toEqual([
      '[1] Person 1',
      '[2] Person 2',
      '[3] Person 1',
    ]);
    expect(h.slack.callsTo('users.info')).toHaveLength(1);
  });

  it('waits out a short 429 on users.info and names people', async () => {
    const h = await start();
    h.slack.seedHistory('C0000001', [{ user: 'U0000002', text: 'two', at: ago(20) }]);
    h.slack.rateLimitNext('users.info', 1);
    await recapCommand(h, '');
    await privateRecap(h);
    expect(transcriptLines(h.ollama)[0]).toMatch(/^\[1\] Ben O’Neil \(/);
    expect(h.slack.callsTo('users.info')).toHaveLength(2);
  });
});

describe('Slack: reading history under limits', () => {
  it('shows how many messages it has read so far on a public recap’s placeholder', async () => {
    const h = await start();
    seedMany(h, 450);
    await recapCommand(h, 'public');
    await publicRecap(h);
    const progress = h.slack
      .callsTo('chat.update')
      .map((call) => String(call.args.text))
      .filter((text) => text.includes('Reading messages'));
    expect(progress).toEqual(
      [200, 400, 450].map((n) => `:hourglass_flowing_sand: Reading messages (${n} so far)…`),
    );
  });

  it('answers another request while a recap waits out a 429 on history, then reads on', async () => {
    const h = await start();
    seedMany(h, 250);
    h.slack.rateLimitAfter('conversations.history', 1, 6);
    await recapCommand(h, '');
    await waitFor(() => historyCalls(h).length === 2);
    await h.postCommand(h.slack.commandForm('Standup: the launch moves to May.', 'C0000001', 'U0000002'));
    await waitFor(() => h.slack.callsTo('chat.postMessage').find((c) => blocksIn(c.args).length > 0));
    // The summary was posted while the recap still waited for its second page.
    expect(historyCalls(h)).toHaveLength(2);
    expect(await footerOf(h)).toMatch(/^250 messages by 1 person, /);
    // The second page again, then the page before the window, for threads begun earlier.
    expect(historyCalls(h)).toHaveLength(4);
  });

  it('reads 15 messages a call at Tier 1, as a commercially distributed app outside the Marketplace, and recaps what arrived', async () => {
    const h = await start({ fake: { tiers: { cohort: 'non-marketplace' } } });
    seedMany(h, 40);
    await recapCommand(h, '');
    expect(await footerOf(h)).toMatch(
      /^15 messages by 1 person, .+; reading was cut short by the platform's rate limit · /,
    );
    expect(historyCalls(h)).toHaveLength(2);
    expect(transcriptLines(h.ollama).map(saidIn).at(-1)).toBe('note 39');
  });

  it('recaps what arrived when a 429 asks for a long wait, and says the reading was cut short', async () => {
    const h = await start();
    seedMany(h, 250);
    h.slack.rateLimitAfter('conversations.history', 1, 120);
    await recapCommand(h, '');
    expect(await footerOf(h)).toMatch(
      /^200 messages by 1 person, .+; reading was cut short by the platform's rate limit · /,
    );
  });
});

describe('Slack: a conversation longer than the model’s context', () => {
  it('goes through map-reduce with every message reaching the model', async () => {
    const h = await start({ env: { RECAP_NUM_CTX: '2048' } });
    seedMany(h, 300, (i) => `item ${i}: the launch checklist entry number ${i} is done`);
    await recapCommand(h, '');
    await privateRecap(h);
    const parts = h.ollama.chats.filter((chat) => /This is part \d+ of/.test(chat.seenPrompt));
    expect(parts.length).toBeGreaterThan(2);
    const read = parts.map((chat) => chat.seenPrompt).join('\n');
    for (let i = 0; i < 300; i++) expect(read).toContain(`[${i + 1}] Ben O’Neil`);
    for (let i = 0; i < 300; i++) expect(read).toContain(`item ${i}: the launch`);
    expect(h.ollama.chats.at(-1)?.seenPrompt).toContain('<notes>');
  });
});

describe('Slack: nothing kept after a recap', () => {
  it('never serves a deleted message again: each recap reads anew and calls the model', async () => {
    const h = await start();
    const [, oops] = h.slack.seedHistory('C0000001', [
      { user: 'U0000001', text: 'Ship on Friday', at: ago(30) },
      { user: 'U0000002', text: 'the wifi password is hunter2', at: ago(20) },
    ]);
    // The same conversation twice: a cache would answer the second without the model.
    const recapOnce = async () => {
      const recaps = h.slack.responses.length;
      await recapCommand(h, '');
      await waitFor(() => h.slack.responses.length >= recaps + 2);
    };
    await recapOnce();
    await recapOnce();
    expect(h.ollama.chats).toHaveLength(2);
    expect(transcriptLines(h.ollama).map(saidIn)).toContain('the wifi password is hunter2');
    h.slack.deleteMessage('C0000001', String(oops?.ts));
    await recapOnce();
    expect(h.ollama.chats).toHaveLength(3);
    expect(h.ollama.chats[2]?.seenPrompt).not.toContain('hunter2');
  });
});
