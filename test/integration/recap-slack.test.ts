/**
 * Conversation recaps on Slack, asked as people ask: /recap with each window, the Recap thread shortcut,
 * `@recap recap` in a thread, private by default and public on request, and every refusal. The real Bolt
 * app runs in HTTP mode against the fake Slack, summarizing with the fake Ollama.
 */
import { describe, expect, it } from 'vitest';
import {
  PERSON_NOT_IN_CONVERSATION,
  RECAP_NOT_IN_CONVERSATION,
} from '../../src/bots/slack/recap-handlers.js';
import { CHANNEL_REFUSED, PUBLIC_REFUSED } from '../../src/commands/recap-policy.js';
import { waitFor } from '../helpers/discord-harness.js';
import {
  ago,
  blocksIn,
  bulletsIn,
  contextsIn,
  ephemeralRecap,
  headerOf,
  historyCalls,
  privateRecap,
  privateWords,
  publicRecap,
  recapCommand,
  saidIn,
  scriptBullets,
  slackHarnessPerTest,
  transcriptLines,
  yesterdayAt,
} from '../helpers/recap-slack.js';

const start = slackHarnessPerTest();
type TextObject = { type?: string; verbatim?: boolean } | undefined;
const permalink = (ts: unknown) => `https://test.slack.com/archives/C0000001/p${String(ts).replace('.', '')}`;

describe('Slack: /recap in a channel', () => {
  it('recaps the last 24 hours privately, naming people and linking each bullet to its messages', async () => {
    const h = await start();
    const [, plan, notes] = h.slack.seedHistory('C0000001', [
      { user: 'U0000002', text: 'from the day before', at: ago(30 * 60) },
      { user: 'U0000001', text: 'Plan: ship on Friday', at: ago(60) },
      { user: 'U0000002', text: 'Ben writes the release notes', at: ago(50) },
      { user: 'U0000001', text: 'Thanks Ben', at: ago(40) },
    ]);
    scriptBullets(h.ollama, [
      'Ana Lima planned to ship on Friday [1].',
      'Ben owns the release notes [2].',
      'Ana thanked Ben [3].',
      'Nothing else was decided [77].',
      'The channel talked about the launch [1, 2].',
    ]);
    await recapCommand(h, '');
    const recap = await privateRecap(h);
    expect(h.slack.responses[0]?.body).toMatchObject({
      response_type: 'ephemeral',
      text: ':memo: Recapping what was said in the last 24 hours: only you will see it.',
    });
    // A command's response_url cannot replace the notice (bolt-js#2287): the recap is a message of its own.
    expect(recap).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    const blocks = blocksIn(recap);
    expect(headerOf(blocks)).toBe('Recap of #general, in the last 24 hours');
    const bullets = bulletsIn(blocks);
    expect(bullets[0]).toMatch(
      new RegExp(`^• Ana Lima planned to ship on Friday\\. <${permalink(plan?.ts)}\\|\\d\\d:\\d\\d>$`),
    );
    expect(bullets[1]).toContain(`<${permalink(notes?.ts)}|`);
    expect(bullets[3]).toBe('• Nothing else was decided.');
    expect(contextsIn(blocks).at(-1)).toMatch(
      /^3 messages by 2 people, .+ UTC · llama3\.2 · \d+ s · times in UTC$/,
    );
    expect(transcriptLines(h.ollama).map((line) => line.slice(0, line.indexOf(' (')))).toEqual([
      '[1] Ana Lima',
      '[2] Ben O’Neil',
      '[3] Ana Lima',
    ]);
    // Names are asked once per person, and nothing is posted where others see it.
    expect(h.slack.callsTo('users.info')).toHaveLength(2);
    expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('recaps the window, the count or since-me asked for', async () => {
    const h = await start();
    h.slack.seedHistory('C0000001', [
      { user: 'U0000002', text: 'two days ago', at: ago(48 * 60) },
      { user: 'U0000001', text: 'my question, three hours ago', at: ago(180) },
      { user: 'U0000002', text: 'an hour ago', at: ago(60) },
      { user: 'U0000003', text: 'ten minutes ago', at: ago(10) },
    ]);
    const ask = async (text: string) => {
      const before = h.slack.responses.length;
      await recapCommand(h, text);
      const recap = await waitFor(
        () => h.slack.responses.slice(before).find((r) => headerOf(blocksIn(r.body)))?.body,
      );
      return { title: headerOf(blocksIn(recap)), said: transcriptLines(h.ollama).map(saidIn) };
    };
    expect(await ask('2h')).toEqual({
      title: 'Recap of #general, in the last 2 hours',
      said: ['an hour ago', 'ten minutes ago'],
    });
    expect((await ask('3d')).said).toEqual([
      'two days ago',
      'my question, three hours ago',
      'an hour ago',
      'ten minutes ago',
    ]);
    expect((await ask('last 2')).said).toEqual(['an hour ago', 'ten minutes ago']);
    expect(await ask('since me')).toEqual({
      title: 'Recap of #general, since your last message',
      said: ['an hour ago', 'ten minutes ago'],
    });
  });

  it('says so when the window holds nothing, and explains a word it does not know, without the model', async () => {
    const h = await start();
    h.slack.seedHistory('C0000001', [{ user: 'U0000002', text: 'old news', at: ago(300) }]);
    await recapCommand(h, '2h');
    expect(await privateWords(h)).toBe(':warning: No messages in the last 2 hours here.');
    await recapCommand(h, 'yesterday');
    await waitFor(() => h.slack.responses.find((r) => String(r.body.text).startsWith('I don')));
    expect(h.ollama.chats).toHaveLength(0);
  });
});

describe('Slack: recapping a thread', () => {
  function seedThread(h: Awaited<ReturnType<typeof start>>) {
    const [parent] = h.slack.seedHistory('C0000001', [
      { user: 'U0000001', text: 'Launch checklist?', at: yesterdayAt('10:00') },
    ]);
    const replies = h.slack.seedHistory('C0000001', [
      { user: 'U0000002', text: 'QA signs off today', at: yesterdayAt('10:10'), thread: parent },
      { user: 'U0000003', text: 'Docs are ready', at: yesterdayAt('10:20'), thread: parent },
    ]);
    h.slack.seedHistory('C0000001', [{ user: 'U0000002', text: 'unrelated', at: yesterdayAt('10:30') }]);
    return { parent, replies };
  }

  it('recaps the whole thread from the Recap thread shortcut, privately', async () => {
    const h = await start();
    const { replies } = seedThread(h);
    await h.postShortcut(h.slack.shortcutPayload('C0000001', replies[1] ?? {}, 'U0000002', 'recap_thread'));
    const recap = await privateRecap(h);
    expect(headerOf(blocksIn(recap))).toBe('Recap of a thread in #general, from its first message');
    // The shortcut's response_url would replace the public message it ran on unless told not to.
    expect(h.slack.responses.map((r) => r.body.replace_original)).toEqual([false, false]);
    expect(h.slack.sourcesReplaced).toEqual([]);
    expect(transcriptLines(h.ollama)).toEqual([
      '[1] Ana Lima (10:00): Launch checklist?',
      '[2] Ben O’Neil (10:10): QA signs off today',
      '[3] Cy Park (10:20): Docs are ready',
    ]);
  });

  it('answers `@recap recap` in a thread with an ephemeral recap, and `@recap recap public` in the thread', async () => {
    const h = await start();
    const { parent } = seedThread(h);
    const mention = (text: string) =>
      h.postEvent(
        h.slack.eventBody({
          type: 'app_mention',
          channel: 'C0000001',
          user: 'U0000003',
          text,
          ts: h.slack.nextTs(),
          thread_ts: parent?.ts,
        }),
      );
    await mention('<@UBOT0001> recap');
    const privately = await ephemeralRecap(h);
    expect(privately).toMatchObject({
      channel: 'C0000001',
      user: 'U0000003',
      message: { thread_ts: parent?.ts },
    });
    await mention('<@UBOT0001> recap public');
    const shown = await publicRecap(h);
    expect(shown.method).toBe('chat.update');
    expect(contextsIn(blocksIn(shown.args))[0]).toBe('Recap requested by Cy Park');
    // One post: the public recap's placeholder. A recap mention is not also summarized as a plain one is.
    const posts = h.slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args).toMatchObject({ channel: 'C0000001', thread_ts: parent?.ts });
  });
});

describe('Slack: who sees a recap', () => {
  it('posts a public recap in the channel, naming who asked in plain text', async () => {
    const h = await start();
    h.slack.seedHistory('C0000001', [{ user: 'U0000002', text: 'We ship Friday', at: ago(20) }]);
    scriptBullets(h.ollama, [
      '<!channel> read this [1].',
      'Ask <@U0000002> [1].',
      '@channel and @here [1].',
      '@everyone, see #general [1].',
      'e [1].',
    ]);
    await recapCommand(h, 'public');
    const shown = await publicRecap(h);
    expect(shown.method).toBe('chat.update');
    expect(shown.args).toMatchObject({ channel: 'C0000001', parse: 'none', link_names: 'false' });
    const blocks = blocksIn(shown.args);
    expect(contextsIn(blocks)[0]).toBe('Recap requested by Ana Lima');
    expect(
      bulletsIn(blocks)
        .slice(0, 2)
        .map((b) => b.split(' <')[0]),
    ).toEqual(['• &lt;!channel&gt; read this.', '• Ask &lt;@U0000002&gt;.']);
    // Plain broadcast words are broken, and no mrkdwn object lets Slack parse mentions or channel names.
    expect(
      bulletsIn(blocks)
        .slice(2, 4)
        .map((b) => b.split(' <')[0]),
    ).toEqual(['• @\u200bchannel and @\u200bhere.', '• @\u200beveryone, see #general.']);
    const objects = blocks.flatMap((b) => [b.text, ...(b.elements ?? [])]) as TextObject[];
    const texts = objects.filter((t) => t?.type === 'mrkdwn');
    expect(texts).toHaveLength(7); // who asked, five bullets, the footer
    expect(texts.every((t) => t?.verbatim === true)).toBe(true);
    expect(String(shown.args.text)).not.toMatch(/<[@!#]|@(channel|here|everyone)/);
  });

  it('refuses a public recap where RECAP_PUBLIC_ALLOWED is false, before reading anything', async () => {
    const h = await start({ env: { RECAP_PUBLIC_ALLOWED: 'false' } });
    h.slack.seedHistory('C0000001', [{ user: 'U0000002', text: 'x', at: ago(20) }]);
    await recapCommand(h, 'public');
    expect(await privateWords(h)).toBe(PUBLIC_REFUSED);
    expect(historyCalls(h)).toEqual([]);
    expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
  });
});

describe('Slack: where a recap is refused', () => {
  it('never reads a private channel recap is in for someone who is not', async () => {
    const h = await start();
    h.slack.seedChannel('G0000009', { private: true, members: ['UBOT0001', 'U0000002'] });
    h.slack.seedHistory('G0000009', [{ user: 'U0000002', text: 'salaries', at: ago(20) }]);
    await recapCommand(h, '', 'U0000001', 'G0000009');
    expect(await privateWords(h)).toBe(PERSON_NOT_IN_CONVERSATION);
    expect(historyCalls(h)).toEqual([]);
  });

  it('says how to invite recap to a channel it is not in', async () => {
    const h = await start();
    h.slack.seedChannel('C0000002', { members: ['U0000001'] });
    await recapCommand(h, '', 'U0000001', 'C0000002');
    expect(await privateWords(h)).toBe(RECAP_NOT_IN_CONVERSATION);
  });

  it('refuses a deny-listed channel', async () => {
    const h = await start({ env: { RECAP_DENY_CHANNELS: 'C0000001' } });
    await recapCommand(h, '');
    expect(await privateWords(h)).toBe(CHANNEL_REFUSED);
    expect(h.slack.callsTo('conversations.members')).toEqual([]);
  });
});
