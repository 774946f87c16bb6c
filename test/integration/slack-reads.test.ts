/**
 * The reads a Slack job needs before it can summarize (a thread's parent, a shared file's details) go
 * through the runtime policy's retries, as answers do: a rate-limited read is waited out and the person
 * still gets the summary, not "slow down".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWeb } from '../fakes/web.js';
import { placeholderOutcome, type SlackHarness, startSlackHarness } from '../helpers/slack-harness.js';

let harness: SlackHarness | undefined;
let web: Awaited<ReturnType<typeof startFakeWeb>> | undefined;
afterEach(async () => {
  await harness?.close();
  await web?.close();
  harness = web = undefined;
});

const answer = placeholderOutcome;

describe('Slack: reads before a summary', () => {
  it("waits out a rate-limited read of the thread's parent and summarizes it", async () => {
    web = await startFakeWeb();
    harness = await startSlackHarness();
    const parent = harness.slack.addMessage('C0000001', {
      user: 'U0000002',
      text: `See <${web.url}/notes.txt>`,
    });
    harness.slack.rateLimitNext('conversations.replies', 1);
    await harness.postEvent(
      harness.slack.eventBody({
        type: 'app_mention',
        user: 'U0000003',
        text: `<@${harness.slack.bot.userId}> tl;dr?`,
        ts: harness.slack.nextTs(),
        thread_ts: parent.ts,
        channel: 'C0000001',
      }),
    );
    const text = await answer(harness);
    expect(text.split('\n').filter((line) => line.startsWith('• '))).toHaveLength(5);
    expect(harness.slack.callsTo('conversations.replies')).toHaveLength(2);
  });

  it("waits out a rate-limited read of a shared file's details and summarizes the file", async () => {
    harness = await startSlackHarness();
    const file = harness.slack.addFile('notes.txt', Buffer.from('The launch moves to May.'), 'text/plain');
    const message = harness.slack.addMessage('C0000001', {
      user: 'U0000002',
      text: 'notes',
      files: [{ id: file.id, name: file.name }],
    });
    harness.slack.rateLimitNext('files.info', 1);
    await harness.postShortcut(harness.slack.shortcutPayload('C0000001', message));
    const text = await answer(harness);
    expect(text.split('\n').filter((line) => line.startsWith('• '))).toHaveLength(5);
    expect(harness.slack.callsTo('files.info')).toHaveLength(2);
    expect(harness.slack.downloads).toHaveLength(1);
  });
});
