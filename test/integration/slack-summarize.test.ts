import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startFakeWeb } from '../fakes/web.js';
import { waitFor } from '../helpers/discord-harness.js';
import { fixturePath } from '../helpers/fixtures.js';
import { closedAfterEach } from '../helpers/per-test.js';
import {
  blocksOf,
  bulletLines,
  expectPlainEverywhere,
  shareInDirectMessage,
  summaryCall,
} from '../helpers/slack-calls.js';
import { startSlackHarness } from '../helpers/slack-harness.js';

/** Slack: /summarize, the Summarize shortcut, mentions and direct messages, end to end (Bolt against the fake). */

const closing = closedAfterEach();
const startHarness = closing(startSlackHarness);
const startWeb = closing(startFakeWeb);

describe('Slack: /summarize', () => {
  it('acknowledges at once, posts a parent message, shows progress on it, and puts five bullets in its thread', async () => {
    const web = await startWeb();
    const harness = await startHarness();
    const answer = harness.ollama.hold();
    const link = `${web.url}/news/bike-lanes`;
    const response = await harness.postCommand(harness.slack.commandForm(`<${link}|the bike lane story>`));
    expect(response.status).toBe(200);
    // The acknowledgement did not wait for the summary (the model holds it until now).
    expect(harness.slack.calls.filter((c) => blocksOf(c).length > 0)).toEqual([]);
    answer();

    const summary = await summaryCall(harness);
    const parent = harness.slack.callsTo('chat.postMessage')[0];
    expect(parent?.args.text).toBe(
      `:hourglass_flowing_sand: Summarizing ${new URL(link).host}/news/bike-lanes…`,
    );
    expect(parent?.args.thread_ts).toBeUndefined();
    const parentTs = harness.slack.calls.find(
      (c) => c.method === 'chat.update' && String(c.args.text).includes('Reading'),
    )?.args.ts;
    expect(parentTs).toBeDefined();
    expect(summary.method).toBe('chat.postMessage');
    expect(summary.args.thread_ts).toBe(parentTs);
    expect(blocksOf(summary).map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(blocksOf(summary)[0]?.text?.text).toBe('City council approves bike lane network');
    expect(bulletLines(summary)).toHaveLength(5);
    expect(String(summary.args.text)).toContain('City council approves bike lane network');
    const done = await waitFor(() =>
      harness.slack.calls.find((c) => c.method === 'chat.update' && String(c.args.text).startsWith(':memo:')),
    );
    expect(done.args.ts).toBe(parentTs);
    expectPlainEverywhere(harness);
  });

  it.each([
    ['says how to invite it when it is not in the channel', 'Notes about the launch plan.', '/invite @recap'],
    ['shows the usage privately when given nothing', '', 'Usage: `/summarize'],
  ])('%s', async (_name, text, expected) => {
    const harness = await startHarness();
    harness.slack.notInChannel.add('C0000009');
    await harness.postCommand(harness.slack.commandForm(text, 'C0000009'));
    const reply = await waitFor(() => harness.slack.responses[0]);
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(expected) });
  });

  it('reports an error privately and removes its parent message', async () => {
    const harness = await startHarness();
    await harness.postCommand(harness.slack.commandForm('http://169.254.169.254/latest/meta-data/'));
    const reply = await waitFor(() => harness.slack.responses[0]);
    expect(reply.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Not opening .*link-local/),
    });
    await waitFor(() => harness.slack.callsTo('chat.delete')[0]);
  });
});

describe('Slack: the Summarize message shortcut', () => {
  it("summarizes a message's file, downloaded with the bot token, in that message's thread", async () => {
    const harness = await startHarness();
    const file = harness.slack.addFile(
      'standup.vtt',
      readFileSync(fixturePath('files/teams-meeting.vtt')),
      'text/vtt',
    );
    const message = harness.slack.addMessage('C0000001', {
      user: 'U0000002',
      text: 'recording notes',
      files: [{ id: file.id, name: file.name }],
    });
    const response = await harness.postShortcut(harness.slack.shortcutPayload('C0000001', message));
    expect(response.status).toBe(200);
    const summary = await summaryCall(harness);
    expect(bulletLines(summary)).toHaveLength(5);
    expect(harness.slack.callsTo('files.info')[0]?.args.file).toBe(file.id);
    expect(harness.slack.downloads).toEqual([
      { path: expect.stringContaining('standup.vtt'), authorization: 'Bearer xoxb-test-token' },
    ]);
    const placeholder = harness.slack.callsTo('chat.postMessage')[0];
    expect(placeholder?.args.thread_ts).toBe(message.ts);
    expect(summary).toMatchObject({ method: 'chat.update', args: { channel: 'C0000001' } });
  });
});

describe('Slack: mentions and direct messages', () => {
  it("summarizes the thread's parent when mentioned in a thread", async () => {
    const web = await startWeb();
    const harness = await startHarness();
    const parent = harness.slack.addMessage('C0000001', {
      user: 'U0000002',
      text: `Read this: <${web.url}/report.pdf>`,
    });
    const mentionTs = harness.slack.nextTs();
    await harness.postEvent(
      harness.slack.eventBody({
        type: 'app_mention',
        user: 'U0000003',
        text: `<@${harness.slack.bot.userId}> tl;dr?`,
        ts: mentionTs,
        thread_ts: parent.ts,
        channel: 'C0000001',
      }),
    );
    const summary = await summaryCall(harness);
    expect(bulletLines(summary)).toHaveLength(5);
    expect(harness.slack.callsTo('conversations.replies')[0]?.args).toMatchObject({
      channel: 'C0000001',
      ts: parent.ts,
    });
    for (const post of harness.slack.callsTo('chat.postMessage')) expect(post.args.thread_ts).toBe(parent.ts);
  });

  it('summarizes a link in the message that mentions it, in that message’s thread', async () => {
    const web = await startWeb();
    const harness = await startHarness();
    const ts = harness.slack.nextTs();
    await harness.postEvent(
      harness.slack.eventBody({
        type: 'app_mention',
        user: 'U0000003',
        text: `<@${harness.slack.bot.userId}> <${web.url}/notes.txt>`,
        ts,
        channel: 'C0000001',
      }),
    );
    await summaryCall(harness);
    expect(harness.slack.callsTo('chat.postMessage')[0]?.args.thread_ts).toBe(ts);
  });

  it('summarizes a file shared in a direct message', async () => {
    const harness = await startHarness();
    const file = harness.slack.addFile(
      'minutes.docx',
      readFileSync(fixturePath('files/minutes.docx')),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const ts = await shareInDirectMessage(harness, String(file.id));
    await summaryCall(harness);
    expect(harness.ollama.chats[0]?.messages.at(-1)?.content).toContain(
      'Decision: ship the café naïve release on 3 March.',
    );
    expect(harness.slack.callsTo('chat.postMessage')[0]?.args).toMatchObject({
      channel: 'D0000001',
      thread_ts: ts,
    });
  });

  it('escapes what the model wrote: a transcript full of <!channel> and @here pings nobody', async () => {
    const harness = await startHarness();
    const file = harness.slack.addFile(
      'all-hands.txt',
      Buffer.from(
        '<!channel> <!here> @here the all hands moves to Friday. <!everyone> <@U0000002> presents. Reply & ask <b>questions</b>.',
      ),
      'text/plain',
    );
    await shareInDirectMessage(harness, String(file.id));
    const summary = await summaryCall(harness);
    const everything = JSON.stringify(summary.args);
    expect(everything).toContain('&lt;!channel&gt;');
    expect(everything).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U/);
    expect(summary.args.text).not.toMatch(/<!|<@/);
    expectPlainEverywhere(harness);
  });

  it('answers a retried event once', async () => {
    const web = await startWeb();
    const harness = await startHarness({ ollama: { answerDelayMs: 200 } });
    const body = harness.slack.eventBody({
      type: 'app_mention',
      user: 'U0000003',
      text: `<@${harness.slack.bot.userId}> <${web.url}/notes.txt>`,
      ts: harness.slack.nextTs(),
      channel: 'C0000001',
    });
    expect((await harness.postEvent(body)).status).toBe(200);
    expect((await harness.postEvent(body, 1)).status).toBe(200);
    expect((await harness.postEvent(body, 2)).status).toBe(200);
    await summaryCall(harness);
    // A later mention, answered after the retries: had one of them started a job, its placeholder
    // would have come before this one's (placeholders go out in the order requests came in).
    const later = harness.slack.eventBody({
      type: 'app_mention',
      user: 'U0000003',
      text: `<@${harness.slack.bot.userId}> <${web.url}/readme.md>`,
      ts: harness.slack.nextTs(),
      channel: 'C0000001',
    });
    expect((await harness.postEvent(later)).status).toBe(200);
    await waitFor(() =>
      harness.slack.calls.find((c) => JSON.stringify(c.args.blocks ?? []).includes(`${web.url}/readme.md`)),
    );
    expect(harness.slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(harness.ollama.chats).toHaveLength(2);
  });

  it('waits out a rate-limited Web API call (HTTP 429, Retry-After) and still answers', async () => {
    const web = await startWeb();
    const harness = await startHarness();
    harness.slack.rateLimitOnce.add('chat.postMessage');
    await harness.postEvent(
      harness.slack.eventBody({
        type: 'app_mention',
        user: 'U0000003',
        text: `<@${harness.slack.bot.userId}> <${web.url}/notes.txt>`,
        ts: harness.slack.nextTs(),
        channel: 'C0000001',
      }),
    );
    await summaryCall(harness);
    const attempts = harness.slack.callsTo('chat.postMessage');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.args).toEqual(attempts[0]?.args);
  });

  it('tells the person when the file cannot be read (in the thread) and when the model is down (privately)', async () => {
    const harness = await startHarness();
    const file = harness.slack.addFile(
      'scan.pdf',
      readFileSync(fixturePath('files/scanned.pdf')),
      'application/pdf',
    );
    await shareInDirectMessage(harness, String(file.id));
    const scanError = await waitFor(() =>
      harness.slack.calls.find(
        (c) => c.method === 'chat.update' && String(c.args.text).startsWith(':warning:'),
      ),
    );
    expect(scanError.args.text).toMatch(/looks like a scan/);

    await harness.ollama.close();
    await harness.postCommand(
      harness.slack.commandForm('The budget was approved and the launch moves to May.'),
    );
    const down = await waitFor(() => harness.slack.responses[0]);
    expect(down.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Can't reach Ollama at .*`ollama serve`/),
    });
  });
});
