/**
 * What a Slack recap makes of what people wrote: files, long code and quotes (Slack sends `>` as `&gt;`)
 * as the model reads them, links asked of chat.getPermalink, a bullet's names checked against the
 * messages it cites, and the limits (RECAP_MAX_MESSAGES on `last`, RECAP_MAX_WINDOW on a window) said in
 * the footer. The real Bolt app in HTTP mode against the fake Slack, with the fake Ollama.
 */
import { describe, expect, it } from 'vitest';
import { PERSON_NOT_IN_CONVERSATION } from '../../src/bots/slack/recap-handlers.js';
import { waitFor } from '../helpers/discord-harness.js';
import {
  ago,
  blocksIn,
  bulletsIn,
  contextsIn,
  historyCalls,
  privateRecap,
  privateWords,
  recapCommand,
  saidIn,
  scriptBullets,
  slackHarnessPerTest,
  transcriptLines,
  WRITTEN,
  yesterdayAt,
} from '../helpers/recap-slack.js';

const start = slackHarnessPerTest();
type Harness = Awaited<ReturnType<typeof start>>;

const footerOf = async (h: Harness) => contextsIn(blocksIn(await privateRecap(h))).at(-1) ?? '';

describe('Slack: what people wrote, as the model reads it', () => {
  it('names files, collapses long code and marks quotes as someone else’s words', async () => {
    const h = await start();
    h.slack.seedHistory('C0000001', [
      {
        user: 'U0000001',
        text: 'minutes attached',
        files: [{ name: 'minutes.pdf' }],
        at: yesterdayAt('09:00'),
      },
      {
        user: 'U0000002',
        text: `the fix:\n\`\`\`${WRITTEN.code}\`\`\`\nworks now`,
        at: yesterdayAt('09:01'),
      },
      { user: 'U0000003', text: '&gt; we ship Friday\nI never said that', at: yesterdayAt('09:02') },
    ]);
    await recapCommand(h, '3d');
    await privateRecap(h);
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual(WRITTEN.asTheModelReadsIt);
  });
});

describe('Slack: messages from other apps', () => {
  it('marks an app of today’s message as a bot’s, under the app’s name, without asking users.info', async () => {
    const h = await start();
    h.slack.seedHistory('C0000001', [
      { user: 'U0000001', text: 'Deploy?', at: yesterdayAt('09:00') },
      {
        app: { user: 'U0DEPLOY1', bot: 'B0DEPLOY1', name: 'Deploy Bot' },
        text: 'Deployed v2',
        at: yesterdayAt('09:01'),
      },
    ]);
    await recapCommand(h, '3d');
    await privateRecap(h);
    expect(transcriptLines(h.ollama)).toEqual([
      '[1] Ana Lima (09:00): Deploy?',
      '[2] Deploy Bot (bot) (09:01): Deployed v2',
    ]);
    expect(h.slack.callsTo('users.info').map((call) => call.args.user)).toEqual(['U0000001']);
  });
});

describe('Slack: the links and names in a bullet', () => {
  it('links each cited message through chat.getPermalink, and repairs a bullet naming someone who wrote none of them', async () => {
    const h = await start();
    const seeded = h.slack.seedHistory('C0000001', [
      { user: 'U0000001', text: 'We ship on Friday', at: ago(30) },
      { user: 'U0000001', text: 'QA signs off Thursday', at: ago(25) },
      { user: 'U0000002', text: 'I will ship on Friday after QA', at: ago(20) },
    ]);
    scriptBullets(h.ollama, [
      'Ben O’Neil decided to ship on Friday [1].',
      'Ana Lima said QA signs off Thursday [2].',
      'c [1].',
      'd [2].',
      'e [2].',
    ]);
    await recapCommand(h, '');
    const bullets = bulletsIn(blocksIn(await privateRecap(h)));
    // Ben wrote nothing of [1]: his own message on the same subject is cited with it.
    const bens = String(seeded[2]?.ts);
    expect(bullets[0]).toContain(`/p${bens.replace('.', '')}|`);
    const asked = h.slack.callsTo('chat.getPermalink').map((call) => String(call.args.message_ts));
    expect(asked.sort()).toEqual(seeded.map((m) => String(m.ts)).sort());
  });
});

describe('Slack: the limits', () => {
  it('keeps RECAP_MAX_MESSAGES of a longer `last` and counts the rest exactly', async () => {
    const h = await start({ env: { RECAP_MAX_MESSAGES: '5' } });
    h.slack.seedHistory(
      'C0000001',
      Array.from({ length: 10 }, (_, i) => ({ user: 'U0000002', text: `point ${i}`, at: ago(20 - i) })),
    );
    await recapCommand(h, 'last 8');
    expect(await footerOf(h)).toMatch(
      /^5 messages by 1 person, .+ UTC; 3 older messages beyond the limit · /,
    );
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual([5, 6, 7, 8, 9].map((i) => `point ${i}`));
  });

  it('reads no further back than RECAP_MAX_WINDOW, and says so', async () => {
    const h = await start();
    h.slack.seedHistory('C0000001', [
      { user: 'U0000001', text: 'ten days ago', at: ago(10 * 24 * 60) },
      { user: 'U0000002', text: 'six days ago', at: ago(6 * 24 * 60) },
    ]);
    await recapCommand(h, '30d');
    expect(await footerOf(h)).toMatch(/^1 message by 1 person, .+ UTC; only the last 7 days read · /);
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual(['six days ago']);
    expect(historyCalls(h)).toHaveLength(1);
  });
});

describe('Slack: a window of a long thread', () => {
  it('asks Slack only for the window’s replies (`oldest`), not the whole thread', async () => {
    const h = await start();
    const [parent] = h.slack.seedHistory('C0000001', [
      { user: 'U0000001', text: 'Incident', at: ago(3 * 24 * 60) },
    ]);
    h.slack.seedHistory(
      'C0000001',
      Array.from({ length: 450 }, (_, i) => ({
        user: 'U0000002',
        text: `update ${i}`,
        at: ago((450 - i) * 6),
        thread: parent,
      })),
    );
    await h.postEvent(
      h.slack.eventBody({
        type: 'app_mention',
        channel: 'C0000001',
        user: 'U0000001',
        text: '<@UBOT0001> recap 1h',
        ts: h.slack.nextTs(),
        thread_ts: parent?.ts,
      }),
    );
    await waitFor(() => h.ollama.chats.length > 0);
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual(
      Array.from({ length: 9 }, (_, i) => `update ${441 + i}`),
    );
    const reads = h.slack.callsTo('conversations.replies');
    expect(reads).toHaveLength(1);
    expect(Number(reads[0]?.args.oldest)).toBeGreaterThan(Date.now() / 1000 - 3700);
  });
});

describe('Slack: who may ask', () => {
  it('never reads a public channel for someone who is not in it', async () => {
    const h = await start();
    h.slack.seedChannel('C0000002', { members: ['UBOT0001', 'U0000002'] });
    h.slack.seedHistory('C0000002', [{ user: 'U0000002', text: 'plans', at: ago(20) }]);
    await recapCommand(h, '', 'U0000001', 'C0000002');
    expect(await privateWords(h)).toBe(PERSON_NOT_IN_CONVERSATION);
    expect(historyCalls(h)).toEqual([]);
  });
});
