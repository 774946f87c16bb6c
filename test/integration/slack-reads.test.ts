/**
 * The reads a Slack job needs before it can summarize (a thread's parent, a shared file's details) go
 * through the runtime policy's retries, as answers do: a rate-limited read is waited out and the person
 * still gets the summary, not "slow down".
 */
import { describe, expect, it } from 'vitest';
import { startFakeWeb } from '../fakes/web.js';
import { closedAfterEach } from '../helpers/per-test.js';
import { placeholderOutcome, startSlackHarness } from '../helpers/slack-harness.js';

const closing = closedAfterEach();
const startHarness = closing(startSlackHarness);
const startWeb = closing(startFakeWeb);

const answer = placeholderOutcome;

describe('Slack: reads before a summary', () => {
  it("waits out a rate-limited read of the thread's parent and summarizes it", async () => {
    const web = await startWeb();
    const harness = await startHarness();
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
    const harness = await startHarness();
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
